-- Red team R72: the policy in force, as the service last saw it (a SHA-256 of its values: its
-- `[policy]` and `[repositories."OWNER/NAME"]` tables, serve/policy_change.cpp). When a process
-- reads a policy whose values differ, it records them here and queues, in the same transaction,
-- the `policy_changed` job that evaluates every open pull request's head again under it: a check
-- that waits for a job the policy no longer names stops waiting at once, and a kill -9 between
-- the two cannot lose the re-evaluation. One row.
SET lock_timeout = '5s';

CREATE TABLE pgfence_policy_seen (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    fingerprint text NOT NULL,
    source jsonb NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now()
);
