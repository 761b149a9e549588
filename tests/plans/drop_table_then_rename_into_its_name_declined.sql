-- path: src/main/resources/db/migration/V2023.06.22__bulk_appointment_add_columns.sql
CREATE TABLE bulk_appointment (bulk_appointment_id bigserial PRIMARY KEY, prison_code varchar(6) NOT NULL);
-- migration
CREATE TABLE bulk_appointment_new (bulk_appointment_id bigserial PRIMARY KEY, prison_code varchar(6) NOT NULL, in_cell boolean NOT NULL DEFAULT false);
INSERT INTO bulk_appointment_new (bulk_appointment_id, prison_code) SELECT bulk_appointment_id, prison_code FROM bulk_appointment;
DROP TABLE bulk_appointment;
ALTER TABLE bulk_appointment_new RENAME TO bulk_appointment;
