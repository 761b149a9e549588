# pgfence GitHub Action image: built with the same set-up script as the README, shipped as a
# Debian 12 runtime image with only the runtime libraries, plus PostgreSQL 15's server for
# the action's `trace: true` (initdb and postgres run as the `postgres` user it creates).
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh --build-deps-only && strip build/bot/pgfence build/lib/pgfence/pgfence-http.so

FROM debian:12-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libtomlplusplus3 libgit2-1.5 libcpp-httplib0.11 libpq5 ca-certificates \
      postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/bot/pgfence /usr/local/bin/pgfence
# The GitHub client's HTTPS module, where an installed pgfence looks for it (../lib/pgfence/).
COPY --from=build /src/build/lib/pgfence/pgfence-http.so /usr/local/lib/pgfence/pgfence-http.so
COPY bot/entrypoint.sh /usr/local/bin/pgfence-entrypoint
ENTRYPOINT ["/usr/local/bin/pgfence-entrypoint"]
