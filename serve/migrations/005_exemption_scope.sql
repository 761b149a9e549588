-- Issue #32, like 004: one table, one ALTER changing only the catalog.
SET lock_timeout = '5s';

-- An exemption is bound to what it covers when granted: the statements at FILE:LINE, the file at
-- FILE, every migration of the pull request when rule-wide (statements_sha256, serve/binding.hpp).
-- A rewrite of them voids it (voided_at), as a change of the migrations voids an approval.
ALTER TABLE pgfence_exemptions ADD COLUMN statements_sha256 text, ADD COLUMN voided_at timestamptz;
