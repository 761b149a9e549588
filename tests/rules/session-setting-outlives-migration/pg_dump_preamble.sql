-- pgfence-test: schema=shop.schema
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.notes (id bigint PRIMARY KEY);
