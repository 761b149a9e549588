ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE orders ADD COLUMN note text;
