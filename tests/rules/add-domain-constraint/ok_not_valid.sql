ALTER DOMAIN positive_int ADD CONSTRAINT positive_int_check CHECK (VALUE > 0) NOT VALID;
ALTER DOMAIN positive_int VALIDATE CONSTRAINT positive_int_check;
CREATE DOMAIN app.email AS text;
ALTER DOMAIN email ADD CHECK (VALUE ~ '@');
