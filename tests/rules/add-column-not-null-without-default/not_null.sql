SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN age integer NOT NULL;
ALTER TABLE app."Accounts" ADD COLUMN IF NOT EXISTS "Region" text COLLATE "C" NOT NULL CHECK ("Region" <> '');
ALTER TABLE users ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL DEFAULT NULL;
