-- path: src/main/resources/migrations/common/V2024.07.31__prison_regime_days_of_week.sql
CREATE TABLE prison_regime (
    prison_regime_id bigserial PRIMARY KEY,
    prison_code varchar(3) NOT NULL,
    am_start time NOT NULL,
    max_days_to_expiry integer NOT NULL DEFAULT 21
);
INSERT INTO prison_regime (prison_code, am_start) SELECT 'P' || g, '08:30' FROM generate_series(1, 40) g;
-- migration
-- The file's rows and the DROP COLUMN of a column the old release writes run in one migration, as
-- in the original: split, the old release's rows written in between would come after the file's
-- (other serial ids), where the original has them all before it.
CREATE TABLE prison_regime_days_of_week (
    id serial PRIMARY KEY,
    prison_regime_id bigint REFERENCES prison_regime (prison_regime_id),
    day_of_week varchar(10)
);
INSERT INTO prison_regime (prison_code, am_start) VALUES ('IWI', '08:25:00');
INSERT INTO prison_regime_days_of_week (prison_regime_id, day_of_week)
VALUES ((SELECT prison_regime_id FROM prison_regime WHERE prison_code = 'IWI' AND am_start = '08:25:00'), 'FRIDAY');
ALTER TABLE prison_regime DROP COLUMN max_days_to_expiry;
