-- path: src/main/resources/db/migration/V17__reindex_ledger_entries.sql
CREATE TABLE ledger_entries (
    account_id integer NOT NULL,
    entry_seq integer NOT NULL,
    amount numeric(12,2) NOT NULL,
    memo text,
    booked_on date,
    PRIMARY KEY (account_id, entry_seq)
);
CREATE INDEX ledger_entries_booked_on_idx ON ledger_entries (booked_on);
-- migration
REINDEX INDEX ledger_entries_booked_on_idx;
