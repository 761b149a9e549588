SET lock_timeout = '2s';
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit.log_change();
CREATE OR REPLACE TRIGGER orders_touch BEFORE UPDATE OF status ON app.orders FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER events_truncated AFTER TRUNCATE ON events EXECUTE FUNCTION note_truncate();
