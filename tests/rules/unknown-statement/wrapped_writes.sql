-- A DELETE/UPDATE/INSERT/MERGE ... RETURNING wrapped in COPY (...) TO, or a data-modifying WITH
-- inside COPY or CREATE TABLE AS, runs in full, but is not judged as the statement it is
-- (red team F1: W_COPYDEL, W_COPYDEVNULL, W_COPYCTE, W_COPYUPD, W_COPYINS, W_COPYDO).
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
COPY (DELETE FROM orders RETURNING id) TO STDOUT;
COPY (DELETE FROM orders RETURNING id) TO '/dev/null';
COPY (WITH d AS (DELETE FROM orders RETURNING 1) SELECT count(*) FROM d) TO STDOUT;
COPY (UPDATE orders SET total = 0 RETURNING id) TO STDOUT;
COPY (INSERT INTO orders SELECT id + 1000, total FROM orders RETURNING id) TO STDOUT;
DO $$ BEGIN COPY (DELETE FROM orders RETURNING id) TO '/dev/null'; END $$;
CREATE TABLE gone AS WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d;
WITH d AS (DELETE FROM orders RETURNING *) SELECT * INTO gone2 FROM d;
