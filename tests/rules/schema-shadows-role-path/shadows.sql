-- A schema named after a role the application may connect as (red team F1: A_SCHEMAGRANT, A_SCHEMAUSER).
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO app;
CREATE TABLE app.orders (id bigserial PRIMARY KEY, user_id bigint, total numeric);
GRANT ALL ON app.orders TO app;
CREATE SCHEMA AUTHORIZATION webuser;
CREATE SCHEMA reporter AUTHORIZATION reporter;
CREATE SCHEMA IF NOT EXISTS billing;
ALTER TABLE app.orders OWNER TO billing;
