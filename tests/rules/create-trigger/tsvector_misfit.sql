-- pgfence-test: schema=search.schema
-- tsvector_update_trigger given a text column where its tsvector goes (red team E: TRIGTSV), or fired AFTER.
SET lock_timeout = '2s';
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(name, 'pg_catalog.english', email);
CREATE TRIGGER t2 AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', name);
CREATE TRIGGER t3 BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', id);
CREATE TRIGGER t4 BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger_column(search, name, email);
