-- hatchet v1_0_61 (goose, one transaction): the DROP TYPE between two DROP TABLEs is instant;
-- what keeps v1_payload_wal blocked is the second DROP TABLE queueing for its lock, which
-- multiple-access-exclusive-in-transaction reports on that line: one finding for that cause.
-- +goose Up
-- +goose StatementBegin
DROP TABLE v1_payload_wal;
DROP TYPE v1_payload_wal_operation;
DROP TABLE v1_payload_cutover_queue_item;
-- +goose StatementEnd
