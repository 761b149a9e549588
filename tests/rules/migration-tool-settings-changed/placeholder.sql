-- pgfence-test: path=flyway.conf settings-base=placeholder.base
flyway.locations=filesystem:db/migration
flyway.placeholders.users_note=x'; DROP TABLE users CASCADE; --
