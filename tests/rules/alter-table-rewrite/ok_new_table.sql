CREATE TABLE staging (id int);
ALTER TABLE staging SET TABLESPACE archive;
ALTER TABLE events SET (fillfactor = 80);
