-- path: db/migrations/0152_partition_page_views.sql
CREATE TABLE page_views (
    site_id integer NOT NULL,
    viewed_on date NOT NULL,
    path text NOT NULL,
    referrer text,
    views bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, viewed_on, path)
);
-- migration
CREATE TABLE page_views_partitioned (
    site_id integer NOT NULL,
    viewed_on date NOT NULL,
    path text NOT NULL,
    referrer text,
    views bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (site_id, viewed_on, path)
) PARTITION BY RANGE (viewed_on);
ALTER TABLE page_views_partitioned ATTACH PARTITION page_views FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');
