-- path: src/main/resources/migrations/common/V2023.11.23__add_paid_column_to_activity.sql
CREATE TABLE activity (activity_id bigserial PRIMARY KEY, prison_code varchar(3) NOT NULL, summary varchar(50) NOT NULL);
-- migration
ALTER TABLE activity ADD COLUMN paid boolean;

UPDATE activity SET paid = true;

ALTER TABLE activity ALTER COLUMN paid SET NOT NULL;
