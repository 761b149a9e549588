-- pgfence-test: schema=keys.schema
-- A primary key named PK_<hash> swapped for another; unique keys replaced by ones on fewer of
-- their columns, which refuse every duplicate the old ones did.
ALTER TABLE history DROP CONSTRAINT "PK_6bb";
ALTER TABLE history ADD CONSTRAINT "PK_cd7" PRIMARY KEY (id, date);
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_plan_customer;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_customer UNIQUE (customer_id);
CREATE UNIQUE INDEX CONCURRENTLY seats_room ON seats (room);
DROP INDEX CONCURRENTLY seats_room_seat;
-- The unique index of a materialized view: nothing the application writes is refused by it.
DROP INDEX "UQ_keyword_channel";
