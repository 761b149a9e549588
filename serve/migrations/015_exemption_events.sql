-- Red team R86 F9: an exemption applies only when the audit chain records it: each row names the
-- seq of its `exemption` event (store.cpp exemptions_of refuses a row without one, or whose event
-- says something else). A live exemption stored before this migration is bound to the event the
-- service wrote with it. One table: a catalog-only ALTER, then its live rows updated once.
SET lock_timeout = '5s';

ALTER TABLE pgfence_exemptions ADD COLUMN event_seq bigint;

-- pgfence-ignore: work-under-held-lock -- pgfence_exemptions holds one row per exemption a reviewer granted (hundreds at most): moments under the lock
UPDATE pgfence_exemptions x SET event_seq = (
    SELECT e.seq FROM pgfence_audit_events e
    WHERE e.repository = x.repository AND e.event::jsonb ->> 'type' = 'exemption'
      AND (e.event::jsonb -> 'data' ->> 'exemption_id')::bigint = x.id
    ORDER BY e.seq LIMIT 1)
WHERE x.withdrawn_at IS NULL AND x.voided_at IS NULL AND x.expires_at > now();
