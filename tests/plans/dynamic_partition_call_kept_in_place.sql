-- path: migrations/20250726214427_v1_0_32.sql
CREATE TABLE events_olap (id bigint PRIMARY KEY, tenant_id uuid NOT NULL);
CREATE OR REPLACE FUNCTION create_range_partition(target text, day date) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE %s_%s (LIKE %s INCLUDING INDEXES INCLUDING CONSTRAINTS)', target, to_char(day, 'YYYYMMDD'), target);
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s_%s FOR VALUES FROM (%L) TO (%L)', target, target, to_char(day, 'YYYYMMDD'), day, day + 1);
    RETURN 1;
END;
$$;
-- migration
-- +goose Up
-- +goose StatementBegin
ALTER TABLE events_olap ADD COLUMN triggering_webhook_name TEXT;

CREATE TABLE webhook_validation_failures_olap (
    id BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    tenant_id UUID NOT NULL,
    error TEXT NOT NULL,
    inserted_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (inserted_at, id)
) PARTITION BY RANGE(inserted_at);

-- Today's and tomorrow's partitions, named by the date: the function builds its SQL at run time.
SELECT create_range_partition('webhook_validation_failures_olap', NOW()::DATE);
SELECT create_range_partition('webhook_validation_failures_olap', (NOW() + INTERVAL '1 day')::DATE);
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
ALTER TABLE events_olap DROP COLUMN triggering_webhook_name;
DROP TABLE webhook_validation_failures_olap;
-- +goose StatementEnd
