ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TABLE users ADD COLUMN created_on date NOT NULL DEFAULT CURRENT_DATE;
ALTER TABLE users ADD COLUMN status text DEFAULT 'active';
ALTER TABLE users ADD COLUMN flags int[] DEFAULT '{}';
