-- pgfence-test: schema=users.schema
-- Constraints of tables earlier migrations made, renamed, directly or through their index: the
-- running code's ON CONFLICT ON CONSTRAINT and SET CONSTRAINTS fail (red team R68 B13).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_uniq;
ALTER TABLE users RENAME CONSTRAINT users_score_positive TO users_score_gt_zero;
ALTER INDEX users_pkey RENAME TO users_pk;
ALTER INDEX bookings_room_during_excl RENAME TO bookings_no_overlap;
ALTER TABLE bookings_pkey RENAME TO bookings_pk;
-- An index no history names, whose name is PostgreSQL's for a constraint's index.
ALTER INDEX invoices_number_key RENAME TO invoices_number_uniq;
ALTER TABLE users RENAME CONSTRAINT users_team_id_fkey TO users_team_fk;
