CREATE TYPE fresh AS ENUM ('a', 'b');
ALTER TYPE fresh SET SCHEMA archive;
