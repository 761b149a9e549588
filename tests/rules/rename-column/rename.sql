ALTER TABLE users RENAME COLUMN age TO years;
ALTER TABLE app."Orders" RENAME "UserId" TO user_id;
