-- A cast or a variable that cuts the text (varchar(n), name) is not folded: PostgreSQL would run
-- `DELETE FROM users` (17 characters) and the first 63 bytes of the name, not the whole constant.
DO $$ BEGIN EXECUTE 'DELETE FROM users WHERE id = 1'::varchar(17); END $$;
DO $$ DECLARE s name := 'DELETE FROM users                                             WHERE id = 1'; BEGIN EXECUTE s; END $$;
