-- ALTER TYPE / ALTER DOMAIN ... SET SCHEMA: the running code's statements that name the type
-- where the new schema is not on their search_path fail (ALTER DOMAIN was clean on main).
SET lock_timeout = '2s';
ALTER DOMAIN posint SET SCHEMA archive;
ALTER TYPE public.mood SET SCHEMA archive;
