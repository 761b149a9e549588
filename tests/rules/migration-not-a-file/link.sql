-- pgfence-test: path=migrations/0002_cleanup.sql not-a-file=link
../docs/cleanup.sql
