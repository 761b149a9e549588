DROP ROLE IF EXISTS legacy_app;
DROP OWNED BY legacy_app;
