SET lock_timeout = '2s';
ALTER TABLE customers ATTACH PARTITION customers_eu FOR VALUES IN ('de', 'fr', 'it');
ALTER TABLE app.customers ATTACH PARTITION app.customers_misc FOR VALUES IN (NULL, 'xx');
