-- pgfence-test: schema=billing.schema
SET lock_timeout = '2s';
-- billing comes after public: public.customers stays first. A name no schema has.
CREATE TABLE billing.customers (id bigserial PRIMARY KEY);
CREATE TABLE refunds (id bigserial PRIMARY KEY);
-- A schema no path names.
CREATE SCHEMA archive;
CREATE TABLE archive.payments (id bigint);
