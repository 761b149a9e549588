-- pgfence-test: schema=keys.schema
-- Not a replacement: a partial unique index on fewer columns refuses duplicates only in its rows.
CREATE UNIQUE INDEX CONCURRENTLY seats_room_open ON seats (room) WHERE seat IS NOT NULL;
DROP INDEX CONCURRENTLY seats_room_seat;
