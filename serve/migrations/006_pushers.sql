-- Issue #32: whoever pushed to a pull request counts as its author for sign-off, as its commits'
-- authors and committers do. A new table, so nothing existing is locked.
SET lock_timeout = '5s';

-- One row per login GitHub named as the sender of a pull_request event that moved the head
-- (opened, reopened, synchronize): the pusher, whatever the commits' metadata say.
CREATE TABLE pgfence_pushers (
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    login text NOT NULL,
    first_head_sha text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, pull_request, login)
);
