-- pgfence-test: schema=fk.schema
-- One DROP TABLE of a table with a foreign key locks the table it references too: there is
-- nothing to split, and the fix says so (it used to say "split the statement"). The locks held
-- together are a clause of the drop's one finding (multiple-access-exclusive-in-transaction's
-- MEDIUM line beside it before).
BEGIN;
DROP TABLE sessions;
COMMIT;
