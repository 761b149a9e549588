-- Issue #32 (red team): a head refused for its size is recorded once. Repeated oversize uploads
-- naming the same head are answered 413 with no new audit event, job or check run.
SET lock_timeout = '5s';

CREATE TABLE pgfence_refused_heads (
    repository text NOT NULL,
    head_sha text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, head_sha)
);
