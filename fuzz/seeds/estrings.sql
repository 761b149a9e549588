;uCOMMENT ON COLUMN users.bio IS E'it\'s; not the end\\';
INSERT INTO notes (body) VALUES ('doubled '' quote; here'), (U&'\0041');
UPDATE "we""ird;name" SET x = 1;
