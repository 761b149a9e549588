-- A type made earlier in the same migration: no deployed code names it yet.
CREATE TYPE mood AS ENUM ('calm', 'busy');
ALTER TYPE mood RENAME TO feeling;
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
ALTER DOMAIN positive RENAME TO strictly_positive;
