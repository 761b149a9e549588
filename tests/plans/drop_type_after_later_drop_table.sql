-- path: cmd/hatchet-migrate/migrate/migrations/20251216190909_v1_0_61.sql
CREATE TYPE v1_payload_wal_operation AS ENUM ('CREATE', 'UPDATE', 'DELETE');
CREATE TABLE v1_payload_wal (
    tenant_id UUID NOT NULL,
    offload_at TIMESTAMPTZ NOT NULL,
    payload_id BIGINT NOT NULL,
    operation v1_payload_wal_operation NOT NULL DEFAULT 'CREATE',
    PRIMARY KEY (offload_at, tenant_id, payload_id)
);
CREATE TABLE v1_payload_cutover_queue_item (
    tenant_id UUID NOT NULL,
    cut_over_at TIMESTAMPTZ NOT NULL,
    payload_id BIGINT NOT NULL,
    PRIMARY KEY (cut_over_at, tenant_id, payload_id)
);
CREATE FUNCTION find_matching_tenants_in_payload_wal_partition(partition_number INT) RETURNS UUID[]
LANGUAGE sql AS $$ SELECT ARRAY[]::UUID[] $$;
-- migration
-- +goose Up
-- +goose StatementBegin
DROP TABLE v1_payload_wal;
DROP TYPE v1_payload_wal_operation;
DROP TABLE v1_payload_cutover_queue_item;
DROP FUNCTION find_matching_tenants_in_payload_wal_partition(INT);
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE TYPE v1_payload_wal_operation AS ENUM ('CREATE', 'UPDATE', 'DELETE');
-- +goose StatementEnd
