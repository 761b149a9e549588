-- pgfence-test: schema=queue.schema
-- The queue dropped with the sequence only its own id DEFAULT used (a DBA's review of docs.rs):
-- drop-table speaks for the table; nothing else loses a DEFAULT.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
DROP TABLE cdn_invalidation_queue;
