-- pgfence-test: path=crates/atuin-server-postgres/migrations/20230315224203_create-deleted.sql
-- atuin's (the DBA review dba70): the author's IF NOT EXISTS must not reach the CONCURRENTLY
-- build. A build that fails leaves an INVALID index; IF NOT EXISTS on the retry skips it
-- ("already exists, skipping"), the tool records the migration applied and the index stays
-- unusable (reproduced on PostgreSQL 15). Without it the retry fails, as the comment says.
create index if not exists history_deleted_index on history(client_id, user_id, deleted_at);
