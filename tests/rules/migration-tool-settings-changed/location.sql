-- pgfence-test: path=flyway.conf settings-base=location.base
# the migrations and the reports' views
flyway.locations=filesystem:db/migration,\
  filesystem:db/reports
