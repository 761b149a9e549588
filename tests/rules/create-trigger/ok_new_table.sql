CREATE TABLE invoices (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE TRIGGER invoices_touch BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
