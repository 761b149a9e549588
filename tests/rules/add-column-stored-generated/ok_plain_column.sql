ALTER TABLE users ADD COLUMN full_name text;
CREATE TABLE people (first_name text, last_name text);
ALTER TABLE people ADD COLUMN full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED;
