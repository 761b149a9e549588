-- Red team r71 F9: the jobs (`pgfence pr --name`, '' without) a pull request has had are a
-- property of the pull request, not of the head rows that happen to be stored. A job that decided
-- for it once (an accepted upload, or a refused one: serve/refused_jobs.hpp) is waited for on every
-- later head and base until it uploads there (serve/head_decisions.cpp). Its head rows went with a
-- change of the base, which let the other job's upload for the new base make the check success.
SET lock_timeout = '5s';

CREATE TABLE pgfence_pull_request_jobs (
    repository text NOT NULL,
    pull_request bigint NOT NULL,
    job text NOT NULL,
    first_decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, pull_request, job)
);

-- The jobs known so far: those with a decision for some head, a refusal, or an accepted upload.
INSERT INTO pgfence_pull_request_jobs (repository, pull_request, job)
SELECT repository, pull_request, job FROM pgfence_head_decisions WHERE job <> '' OR upload_id IS NOT NULL
UNION
SELECT repository, pull_request, job FROM pgfence_refused_jobs
UNION
SELECT repository, pull_request, COALESCE(envelope->>'job', '') FROM pgfence_uploads WHERE response IS NOT NULL
ON CONFLICT DO NOTHING;
