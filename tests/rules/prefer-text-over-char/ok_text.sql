CREATE TABLE countries (
    code text PRIMARY KEY CHECK (char_length(code) = 2),
    name varchar,
    -- PostgreSQL's internal one-byte type, not char(n)
    kind "char"
);
ALTER TABLE countries ADD COLUMN currency text;
