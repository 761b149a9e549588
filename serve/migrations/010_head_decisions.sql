-- Red team D: the check run 'pgfence governance' belongs to a commit, a decision to one pull
-- request's upload for one base and one job. Each open pull request (and each job of it, `pgfence
-- pr --name`) with that head keeps its own decision here, and the check posted on the head is the
-- worst of them. A row without upload_id is a decision voided by a change of the pull request's
-- base (pending until an upload for the new base arrives).
SET lock_timeout = '5s';

CREATE TABLE pgfence_head_decisions (
    repository text NOT NULL,
    head_sha text NOT NULL,
    pull_request bigint NOT NULL,
    job text NOT NULL DEFAULT '',
    upload_id uuid,
    conclusion text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    body text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, head_sha, pull_request, job)
);

-- When the pull request's base was last changed (pull_request edited with changes.base): an upload
-- made before it was for another base and decides nothing any more.
ALTER TABLE pgfence_pull_requests ADD COLUMN base_changed_at timestamptz;
