-- The issue's example: t was made before the migrations pgfence read (it is not in the catalog);
-- the rule made here still runs with this file's UPDATE of t.
SET lock_timeout = '2s';
CREATE RULE r AS ON UPDATE TO t DO INSTEAD DELETE FROM users;
UPDATE t SET x = 1 WHERE id = 5;
DROP RULE r ON t;
UPDATE t SET x = 2 WHERE id = 6;
