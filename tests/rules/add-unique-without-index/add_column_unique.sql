-- Rails: add_column :users, :api_key, :string, unique: true written as SQL
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN api_key character varying UNIQUE;
