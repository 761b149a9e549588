CREATE TABLE api_clients (id bigserial PRIMARY KEY, name text NOT NULL);
ALTER TABLE api_clients ADD COLUMN client_key text UNIQUE;
