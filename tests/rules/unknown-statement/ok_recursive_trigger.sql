-- pgfence-test: schema=shop.schema
-- A trigger whose function writes its own table fires itself again: the body is the one pgfence
-- read, so the CREATE TRIGGER is judged, not unknown (supabase storage's prefix triggers).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE FUNCTION prune_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM orders WHERE user_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER orders_prune AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION prune_children();
