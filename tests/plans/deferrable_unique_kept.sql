-- path: db/migrations/0090_seat_positions_unique.sql
CREATE TABLE seats (id bigserial PRIMARY KEY, event_id bigint NOT NULL, position integer NOT NULL);
-- migration
-- Seats are reordered by swapping positions inside one transaction.
ALTER TABLE seats ADD CONSTRAINT seats_event_position_key UNIQUE (event_id, position) DEFERRABLE INITIALLY DEFERRED;
