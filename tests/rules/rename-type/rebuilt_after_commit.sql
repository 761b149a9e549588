-- The same rebuild with a COMMIT between the rename and the new type: from that commit until the
-- next transaction's CREATE TYPE, statements that name the type fail.
BEGIN;
ALTER TYPE community_visibility RENAME TO community_visibility__;
COMMIT;
BEGIN;
CREATE TYPE community_visibility AS enum ('Public', 'Private');
DROP TYPE community_visibility__;
COMMIT;
