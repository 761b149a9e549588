VACUUM (ANALYZE) users;
VACUUM (FULL false) orders;
CREATE TABLE scratch (id int);
VACUUM FULL scratch;
