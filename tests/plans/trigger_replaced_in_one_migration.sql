-- path: migrations/2018-04-13-203856_trigger_search_reindex_less/up.sql
CREATE TABLE crates (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    description varchar,
    updated_at timestamp NOT NULL DEFAULT now(),
    textsearchable_index_col tsvector NOT NULL
);
CREATE FUNCTION trigger_crates_name_search() RETURNS trigger AS $$
BEGIN
    NEW.textsearchable_index_col := to_tsvector('pg_catalog.english', coalesce(NEW.name, '') || ' ' || coalesce(NEW.description, ''));
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER trigger_crates_tsvector_update BEFORE INSERT OR UPDATE ON crates
FOR EACH ROW EXECUTE PROCEDURE trigger_crates_name_search();
-- migration
DROP TRIGGER trigger_crates_tsvector_update ON crates;

CREATE TRIGGER trigger_crates_tsvector_update BEFORE INSERT OR UPDATE OF updated_at
ON crates
FOR EACH ROW EXECUTE PROCEDURE trigger_crates_name_search();
