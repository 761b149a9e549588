ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0);
ALTER DOMAIN app.email ADD CHECK (VALUE ~ '@');
ALTER DOMAIN app.email SET NOT NULL;
