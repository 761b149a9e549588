ALTER TABLE users ADD COLUMN note text DEFAULT 'a,b(' || md5(random()::text) NOT NULL COLLATE "C", ADD COLUMN plain int;
