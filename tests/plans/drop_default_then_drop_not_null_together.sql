-- path: src/main/resources/migrations/common/V2023.09.06__appointment_comment_optional.sql
CREATE TABLE appointment (
    appointment_id bigserial NOT NULL CONSTRAINT appointment_pk PRIMARY KEY,
    category_code varchar(12) NOT NULL,
    comment varchar(4000) NOT NULL DEFAULT ''
);
-- migration
-- Remove default and not null constraint on appointment comment as null implies no comment was set
ALTER TABLE appointment ALTER COLUMN comment DROP DEFAULT;
ALTER TABLE appointment ALTER COLUMN comment DROP NOT NULL;
