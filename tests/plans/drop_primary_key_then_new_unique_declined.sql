-- path: persistence/sql/migrations/20190400000001000000_client.postgres.up.sql
CREATE TABLE hydra_client (id varchar(255) NOT NULL, client_name text NOT NULL, CONSTRAINT hydra_client_pkey PRIMARY KEY (id));
-- migration
ALTER TABLE hydra_client DROP CONSTRAINT hydra_client_pkey;
ALTER TABLE hydra_client ADD pk SERIAL;
ALTER TABLE hydra_client ADD PRIMARY KEY (pk);
CREATE UNIQUE INDEX hydra_client_idx_id_uq ON hydra_client (id);
