-- pgfence-test: path=migrations/2025-08-01-000042_community-hidden-visibility/up.sql
-- An enum rebuilt with another set of values (diesel runs the file in one transaction): the old
-- type is renamed out of the way, the new one takes its name and the old type goes. No session ever sees the name community_visibility missing.
ALTER TYPE community_visibility RENAME TO community_visibility__;
CREATE TYPE community_visibility AS enum ('Public', 'Unlisted', 'LocalOnlyPublic', 'LocalOnlyPrivate', 'Private');
DROP TYPE community_visibility__;
