-- path: server/migrations/92_update_storage_bonus_check.up.sql
CREATE TABLE storage_bonus (
    id bigserial PRIMARY KEY,
    type text NOT NULL CONSTRAINT storage_bonus_type_check CHECK (type IN ('REFERRAL', 'SIGN_UP'))
);
INSERT INTO storage_bonus (type) SELECT CASE WHEN g % 2 = 0 THEN 'REFERRAL' ELSE 'SIGN_UP' END FROM generate_series(1, 50) g;
-- migration
ALTER TABLE storage_bonus
    DROP CONSTRAINT IF EXISTS storage_bonus_type_check;

ALTER TABLE storage_bonus
    ADD CONSTRAINT storage_bonus_type_check
        CHECK (type IN ('REFERRAL', 'SIGN_UP', 'ANNIVERSARY'));
