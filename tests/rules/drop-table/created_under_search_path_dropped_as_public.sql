-- Under a search_path that SET another schema first, an unqualified CREATE TABLE makes
-- staging.invoices: public.invoices is another table, perhaps an existing one.
SET lock_timeout = '2s';
SET search_path = staging, public;
CREATE TABLE invoices (id int);
DROP TABLE public.invoices;
