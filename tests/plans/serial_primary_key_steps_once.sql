-- path: persistence/sql/migrations/20190400000001000000_client.postgres.up.sql
CREATE TABLE hydra_client (id varchar(255) NOT NULL, client_name text NOT NULL);
-- migration
ALTER TABLE hydra_client ADD pk SERIAL;
ALTER TABLE hydra_client ADD PRIMARY KEY (pk);
