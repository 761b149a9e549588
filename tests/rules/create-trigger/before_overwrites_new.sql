-- BEFORE UPDATE triggers whose function throws the application's values away on every write.
SET lock_timeout = '2s';
CREATE FUNCTION zap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.balance := 0;
  NEW.email := '';
  RETURN NEW;
END;
$$;
CREATE TRIGGER zap BEFORE UPDATE OR INSERT ON users FOR EACH ROW EXECUTE FUNCTION zap();
CREATE FUNCTION undo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW := OLD;
  RETURN NEW;
END;
$$;
CREATE TRIGGER undo BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION undo();
CREATE FUNCTION blank_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note = NULL::text;
  RETURN NEW;
END;
$$;
CREATE TRIGGER blank_note BEFORE UPDATE OF note ON orders FOR EACH ROW EXECUTE FUNCTION blank_note();
