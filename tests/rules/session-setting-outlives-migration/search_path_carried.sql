-- pgfence-test: schema=shop.schema
SET search_path TO archive, public;
CREATE TABLE archive_orders (id bigint PRIMARY KEY);
