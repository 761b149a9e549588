-- Red team R86 F9: an approval counts only when the audit chain records it. Each row names the
-- seq of its `approval` event in its repository's chain (serve/check.cpp refuses a row without
-- one, or whose event says something else), so a row written into the table by hand signs
-- nothing off. A live approval stored before this migration is bound to the event the service
-- wrote with it (revoked ones never count again). One table: a catalog-only ALTER, then its live
-- rows (a few per open pull request) updated once.
SET lock_timeout = '5s';

ALTER TABLE pgfence_approvals ADD COLUMN event_seq bigint;

-- pgfence-ignore: work-under-held-lock -- pgfence_approvals holds a few rows per pull request reviewed (hundreds at most), and the audit events it reads are the chains of those repositories: moments under the lock
UPDATE pgfence_approvals a SET event_seq = (
    SELECT e.seq FROM pgfence_audit_events e
    WHERE e.repository = a.repository AND e.event::jsonb ->> 'type' = 'approval'
      AND (e.event::jsonb ->> 'pull_request')::bigint = a.pull_request
      AND e.event::jsonb -> 'data' ->> 'login' = a.login
      AND (e.event::jsonb -> 'data' ->> 'review_id')::bigint IS NOT DISTINCT FROM a.review_id
      AND (e.event::jsonb -> 'data' ->> 'comment_id')::bigint IS NOT DISTINCT FROM a.comment_id
    ORDER BY e.seq LIMIT 1)
WHERE a.revoked_at IS NULL AND a.voided_at IS NULL;
