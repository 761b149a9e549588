-- path: src/main/resources/migrations/common/V2023.09.05__appointment_occurrence_category.sql
CREATE TABLE appointment (
    appointment_id bigserial NOT NULL CONSTRAINT appointment_pk PRIMARY KEY,
    category_code varchar(12) NOT NULL,
    comment varchar(4000) NOT NULL DEFAULT ''
);
CREATE TABLE appointment_occurrence (
    appointment_occurrence_id bigserial NOT NULL CONSTRAINT appointment_occurrence_pk PRIMARY KEY,
    appointment_id bigint NOT NULL REFERENCES appointment (appointment_id)
);
-- migration
ALTER TABLE appointment_occurrence ADD COLUMN category_code varchar(12);

UPDATE appointment_occurrence ao SET
    category_code = (SELECT category_code FROM appointment a WHERE appointment_id = ao.appointment_id);

ALTER TABLE appointment_occurrence ALTER COLUMN category_code SET NOT NULL;

-- Remove default and not null constraint on appointment comment as null implies no comment was set
ALTER TABLE appointment ALTER COLUMN comment DROP DEFAULT;
ALTER TABLE appointment ALTER COLUMN comment DROP NOT NULL;
