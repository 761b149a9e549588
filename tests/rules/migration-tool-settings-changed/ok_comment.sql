-- pgfence-test: path=flyway.conf settings-base=ok_comment.base
# Placeholders of the service (reviewed by the DBA team)
flyway.placeholders.schema = app
