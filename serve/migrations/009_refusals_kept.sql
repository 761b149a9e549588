-- Issue #32: a head whose upload was refused keeps the refusal, whatever the order of the upload
-- and GitHub's webhook naming the head. A refusal of a head no webhook named yet is kept with
-- `noted` false (no audit event, no check run: the headers alone named it) and taken up by the
-- webhook that names it; the head_check job reads why from here, so a waiting check queued in
-- between never replaces a failing one. Rows of 008 were noted refusals of known heads.
SET lock_timeout = '5s';

ALTER TABLE pgfence_refused_heads
    ADD COLUMN pull_request bigint,
    ADD COLUMN status integer,
    ADD COLUMN why text,
    ADD COLUMN idempotency_key text,
    ADD COLUMN noted boolean NOT NULL DEFAULT true;
