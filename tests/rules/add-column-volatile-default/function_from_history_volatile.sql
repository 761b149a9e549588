-- pgfence-test: schema=functions.schema
-- make_code() is a VOLATILE plpgsql function (never inlined): every row gets its own value.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN code text DEFAULT make_code();
