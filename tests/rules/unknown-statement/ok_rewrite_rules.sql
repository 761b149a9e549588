-- Rewrite rules are followed into their actions: DO NOTHING runs nothing, and an action the
-- migration shows is analysed where the rule fires (issue #53), never unknown.
SET lock_timeout = '2s';
CREATE RULE settings_keep AS ON DELETE TO settings DO INSTEAD NOTHING;
CREATE RULE settings_log AS ON UPDATE TO settings DO ALSO INSERT INTO audit_log (action) VALUES ('update');
DELETE FROM settings WHERE id = 1;
UPDATE settings SET value = 'x' WHERE id = 1;
