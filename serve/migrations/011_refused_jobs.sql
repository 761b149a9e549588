-- Issue #53 (red team H2, item 7): a refused upload is the decision of its pgfence job (`pgfence pr
-- --name`), not of its head. One row per head, pull request and job ('' without --name) whose
-- upload the service refused, kept whether or not a webhook named the head yet: the refusal stands
-- in the head's check (serve/refused_jobs.hpp) until an upload of that same job for that head and
-- pull request is accepted after it; another job's accepted upload does not end it.
SET lock_timeout = '5s';

CREATE TABLE pgfence_refused_jobs (
    repository text NOT NULL,
    head_sha text NOT NULL,
    pull_request bigint NOT NULL,
    job text NOT NULL DEFAULT '',
    status integer NOT NULL,
    why text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, head_sha, pull_request, job)
);
