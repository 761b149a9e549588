-- pgfence-test: path=flyway.toml settings-base=none
[flyway]
locations = ["filesystem:sql"]

[flyway.placeholders]
schema = "app"
