-- Sign-off and exemptions through the service (issue #20): approvals bound to the migrations'
-- content hash, exemptions with their owner and expiry, and the one review request per pull
-- request. Checked by pgfence itself like 001 (tests/serve: nothing above MEDIUM).
SET lock_timeout = '5s';

-- An approval: an approving review or a `/pgfence approve` comment, for the content hash of
-- the latest upload the approver could see. revoked_at: withdrawn (`/pgfence revoke`, a
-- dismissed review); voided_at: an upload with other migrations arrived after it.
CREATE TABLE pgfence_approvals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    content_hash text NOT NULL,
    login text NOT NULL,
    source text NOT NULL CHECK (source IN ('review', 'comment')),
    review_id bigint,
    comment_id bigint,
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    voided_at timestamptz
);
CREATE INDEX pgfence_approvals_pull ON pgfence_approvals (repository, pull_request);

-- An exemption granted with `/pgfence exempt`: one rule, in one file (path) or on one line of
-- it, or everywhere in the pull request (both NULL), until expires_at. owner: who granted it.
CREATE TABLE pgfence_exemptions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    rule text NOT NULL,
    path text,
    line integer,
    reason text NOT NULL,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL,
    comment_id bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    expiry_recorded_at timestamptz  -- when the audit trail recorded it as expired
);
CREATE INDEX pgfence_exemptions_pull ON pgfence_exemptions (repository, pull_request);

-- The review request made when sign-off was first needed: at most one per pull request.
CREATE TABLE pgfence_review_requests (
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    reviewers jsonb NOT NULL,
    team_reviewers jsonb NOT NULL,
    status integer NOT NULL,  -- GitHub's HTTP answer
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, pull_request)
);

-- Who opened the pull request, as GitHub's webhooks said: its author may not approve their own
-- migration unless the policy allows it. Last, so the ACCESS EXCLUSIVE lock it takes on a table
-- the service uses is not held while the statements above run.
ALTER TABLE pgfence_pull_requests ADD COLUMN author text;
