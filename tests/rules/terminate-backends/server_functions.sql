-- Large objects deleted, wherever the call stands; the configuration reloaded (MEDIUM).
SELECT lo_unlink(attachment_oid) FROM attachments WHERE created_at < now() - interval '1 year';
DO $$
BEGIN
  PERFORM lo_unlink(42);
END;
$$;
SELECT pg_reload_conf();
