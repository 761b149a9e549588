-- pgfence-test: path=api/src/main/resources/marquez/db/migration/V47__add_lineage_event_indexes.sql
-- marquez's V47 (the DBA review dba70): every statement is one Flyway cannot run in a
-- transaction (PostgreSQLParser.detectCanExecuteInTransaction), so Flyway runs the script
-- without one, no .conf needed.
create index concurrently if not exists lineage_events_event_time
    on lineage_events(event_time DESC);
DROP INDEX CONCURRENTLY IF EXISTS lineage_events_old;
