-- BEFORE triggers that derive values, set them under a condition, mark a flag, or initialise rows
-- on INSERT: the lock's MEDIUM only, not the overwrite's HIGH.
SET lock_timeout = '2s';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  NEW.synced := false;
  IF NEW.email IS DISTINCT FROM OLD.email THEN
    NEW.status := 'unverified';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION init_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.status := 'new';
  RETURN NEW;
END;
$$;
CREATE TRIGGER init_status BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION init_status();
