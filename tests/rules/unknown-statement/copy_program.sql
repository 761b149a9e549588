-- COPY ... PROGRAM runs a shell command on the database server: what it does to the database is
-- not in the statement.
COPY (SELECT 1) TO PROGRAM 'psql -c "DROP TABLE users"';
