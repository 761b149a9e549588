-- With no SET search_path (the default "$user", public), or one whose first schema is public, an
-- unqualified CREATE TABLE makes public.x and public.x names it: the migration's own table.
CREATE TABLE orders (id int);
DROP TABLE public.orders;
CREATE TABLE public.refunds (id int);
DROP TABLE refunds;
SET search_path = public, extensions;
CREATE TABLE coupons (id int);
DROP TABLE "public"."coupons";
