-- The governance service's own schema (pgfence serve applies it at start-up, each file once, in
-- one transaction, under an advisory lock so that replicas starting together do not race).
-- Checked by pgfence itself: tests/serve asserts no finding at HIGH or above.
SET lock_timeout = '5s';

-- Upload tokens, one repository each; only the SHA-256 of a token is kept.
CREATE TABLE pgfence_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository text NOT NULL,
    token_sha256 text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Every accepted upload: its envelope, the policy's decision and the answer given, so that a
-- repeated Idempotency-Key gets the same answer.
CREATE TABLE pgfence_uploads (
    id uuid PRIMARY KEY,
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    head_sha text NOT NULL,
    base_sha text NOT NULL,
    content_hash text NOT NULL,
    idempotency_key text NOT NULL,
    body_sha256 text NOT NULL,
    envelope jsonb NOT NULL,
    decision jsonb,
    response jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository, idempotency_key)
);
CREATE INDEX pgfence_uploads_head ON pgfence_uploads (repository, head_sha, created_at);
CREATE INDEX pgfence_uploads_content ON pgfence_uploads (repository, pull_request, content_hash);

-- What the webhooks said about each pull request.
CREATE TABLE pgfence_pull_requests (
    repository text NOT NULL,
    number bigint NOT NULL,
    head_sha text NOT NULL,
    state text NOT NULL,
    installation_id bigint,
    github_updated_at timestamptz,  -- the payload's updated_at: an older event changes nothing
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, number)
);

CREATE TABLE pgfence_installations (
    installation_id bigint PRIMARY KEY,
    account text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Webhook deliveries seen (X-GitHub-Delivery): a redelivery is answered and not processed again.
-- The body's hash too, since the delivery id is not signed: a captured body replayed under a new
-- id is the same delivery.
CREATE TABLE pgfence_deliveries (
    delivery_id text PRIMARY KEY,
    body_sha256 text NOT NULL UNIQUE,
    event text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Work done after the answer: a webhook's processing, a check run to post. Claimed with
-- FOR UPDATE SKIP LOCKED, so each job runs once whichever replica takes it; a restart loses nothing.
CREATE TABLE pgfence_jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    run_after timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    done_at timestamptz,
    failed boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pgfence_jobs_due ON pgfence_jobs (run_after) WHERE done_at IS NULL;

-- The check run posted on each head commit, updated in place when the decision changes.
CREATE TABLE pgfence_checks (
    repository text NOT NULL,
    head_sha text NOT NULL,
    check_run_id bigint NOT NULL,
    conclusion text NOT NULL,
    content_hash text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, head_sha)
);

-- The audit trail: one hash chain per repository (serve/audit.hpp). The head row is locked to
-- append, so appends to one chain are serialised across replicas.
CREATE TABLE pgfence_audit_heads (
    repository text PRIMARY KEY,
    seq bigint NOT NULL,
    hash text NOT NULL
);
CREATE TABLE pgfence_audit_events (
    repository text NOT NULL,
    seq bigint NOT NULL,
    event text NOT NULL,
    hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, seq)
);
