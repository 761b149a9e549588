SET lock_timeout = '2s';
-- A "guard" trigger whose function returns NULL: every insert and update of users is skipped.
CREATE FUNCTION users_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER users_guard BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_guard();
-- A filter: rows that pass return NEW first; only the others are skipped (MEDIUM, as any trigger).
CREATE FUNCTION events_filter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind <> 'noise' THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER events_filter BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_filter();
