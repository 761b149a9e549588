-- path: src/main/resources/migrations/common/V2023.09.30.1__appointment_attendee_removal_reason.sql
CREATE TABLE appointment_attendee (
    appointment_attendee_id bigserial NOT NULL CONSTRAINT appointment_attendee_pk PRIMARY KEY,
    prisoner_number varchar(10) NOT NULL,
    removed_time timestamp,
    removed_by varchar(100)
);
CREATE INDEX idx_appointment_attendee_removed_time ON appointment_attendee (removed_time);
-- migration
-- ========================================
-- ADD APPOINTMENT ATTENDEE REMOVAL REASONS
-- ========================================

CREATE TABLE appointment_attendee_removal_reason
(
    appointment_attendee_removal_reason_id  bigserial   NOT NULL CONSTRAINT appointment_attendee_removal_reason_pk PRIMARY KEY,
    description                             varchar(50) NOT NULL,
    is_delete                               boolean     NOT NULL
);

INSERT INTO appointment_attendee_removal_reason (appointment_attendee_removal_reason_id, description, is_delete)
VALUES   (1, 'Permanent removal by user', true),
         (2, 'Temporary removal by user', false);

ALTER TABLE appointment_attendee DROP COLUMN removed_by;
ALTER TABLE appointment_attendee ADD COLUMN removal_reason_id bigint DEFAULT NULL REFERENCES appointment_attendee_removal_reason (appointment_attendee_removal_reason_id);
ALTER TABLE appointment_attendee ADD COLUMN removed_by varchar(100) DEFAULT NULL;
ALTER TABLE appointment_attendee ADD COLUMN is_deleted boolean NOT NULL DEFAULT false;

DROP INDEX idx_appointment_attendee_removed_time;
CREATE INDEX idx_appointment_attendee_is_deleted ON appointment_attendee (is_deleted);
