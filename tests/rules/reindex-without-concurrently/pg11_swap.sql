-- pgfence-test: pg-version=11
REINDEX INDEX app.users_email_idx;
REINDEX TABLE users;
