-- The application's role read its row-security tables whole through BYPASSRLS (or as a superuser).
ALTER ROLE app NOBYPASSRLS;
ALTER USER app WITH NOSUPERUSER NOBYPASSRLS;
ALTER ROLE reporting NOSUPERUSER;
