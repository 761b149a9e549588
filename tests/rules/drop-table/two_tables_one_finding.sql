-- One DROP TABLE of two tables: one finding naming both, with the locks it holds together as a
-- clause (two drop-table HIGH lines and a multiple-access-exclusive-in-transaction MEDIUM before;
-- lemmy's merge of its modlog tables had 19 HIGH lines on one statement).
BEGIN;
DROP TABLE legacy_sessions, legacy_tokens;
COMMIT;
