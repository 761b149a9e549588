-- pgfence-test: path=migrations/2024-01-01-000000_idx/up.sql sibling-metadata=run_in_transaction=false
CREATE INDEX CONCURRENTLY users_a_idx ON users (a);
