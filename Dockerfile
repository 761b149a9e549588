# pgfence GitHub Action images, built with the same set-up script as the README: two Debian 12
# runtime images with only the runtime libraries, `--target action` (the default one) and
# `--target trace` (with PostgreSQL 15's server, for the action's `trace: true`).
# The base images are build arguments: the release pins them by digest; scripts that make their
# own Debian base (no registry) pass theirs. Nothing depends on how a base is set up: the build
# stage needs only its apt sources (scripts/fetch-libpg-query.sh downloads the pinned parser from
# the Debian archive they name), and the runtime images keep only their own packages' files.
ARG BASE=debian:12
ARG RUNTIME_BASE=debian:12-slim

FROM ${BASE} AS build
WORKDIR /src
# The packages first, in a layer of their own: a source change does not download them again.
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh --build-deps-only --packages-only && rm -rf /var/lib/apt/lists/*
COPY . .
# Only what the images hold: the CLI and its HTTPS module (not the service, the benchmark or the
# tests). The build tree is a cache mount, so a rebuild after a source change compiles only what
# changed; the two files are copied out of it into the layer.
# The parser's .deb is kept in a cache mount too (the fetch reads ~/.cache/pgfence first).
# The compiler cache (ccache, a build package) is CCACHE_DIR: a cache mount of its own unless the
# build lends it one, as scripts/test-container.sh does with the machine's cache (--volume and
# --build-arg CCACHE_DIR), whose objects setup.sh's build keyed as here (paths relative to the
# checkout, the compiler's locale fixed).
ARG CCACHE_DIR=/root/.cache/ccache
RUN --mount=type=cache,target=/src/build,id=pgfence-build \
    --mount=type=cache,target=/root/.cache/pgfence,id=pgfence-debs \
    --mount=type=cache,target=/root/.cache/ccache,id=pgfence-ccache \
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPGFENCE_TESTS=OFF \
      "-DCMAKE_C_COMPILER_LAUNCHER=env;-u;LC_ALL;-u;LC_CTYPE;-u;LC_MESSAGES;LANG=C.UTF-8;CCACHE_BASEDIR=/src;ccache" \
      "-DCMAKE_CXX_COMPILER_LAUNCHER=env;-u;LC_ALL;-u;LC_CTYPE;-u;LC_MESSAGES;LANG=C.UTF-8;CCACHE_BASEDIR=/src;ccache" >/dev/null \
 && cmake --build build -j"$(nproc)" --target pgfence pgfence_http \
 && mkdir -p /out && cp build/bot/pgfence build/lib/pgfence/pgfence-http.so /out/ \
 && strip /out/pgfence /out/pgfence-http.so && /out/pgfence --version

# The default image's file system, from RUNTIME_BASE: the runtime libraries, then whatever the
# base holds beyond Debian's required packages and these goes (every package is marked
# automatically installed, so autoremove keeps only those), and so do docs, man pages, locales and
# apt's lists and caches. The next stage copies the result into one layer, so the image's size does
# not depend on what the base carried (a full debian:12, docs in a lower layer).
FROM ${RUNTIME_BASE} AS runtime
RUN apt-get update -qq \
 && apt-mark showmanual | xargs -r apt-mark auto >/dev/null \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libtomlplusplus3 libgit2-1.5 libcpp-httplib0.11 ca-certificates \
 && DEBIAN_FRONTEND=noninteractive apt-get autoremove -y -qq --purge >/dev/null \
 && apt-get clean && find /var/log -type f -delete \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
      /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian \
 && printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\npath-exclude /usr/share/locale/*\n' \
      > /etc/dpkg/dpkg.cfg.d/pgfence-slim

# The default image: the analyzer and the bot, nothing else. The action runs it unless `trace:
# true` asks for the -trace image below. libpq is left out: only trace and extract-stats open it.
FROM scratch AS action
COPY --from=runtime / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY --from=build /out/pgfence /usr/local/bin/pgfence
# The GitHub client's HTTPS module, where an installed pgfence looks for it (../lib/pgfence/).
COPY --from=build /out/pgfence-http.so /usr/local/lib/pgfence/pgfence-http.so
COPY bot/entrypoint.sh /usr/local/bin/pgfence-entrypoint
ENTRYPOINT ["/usr/local/bin/pgfence-entrypoint"]

# The -trace image: the default one plus PostgreSQL 15's server for `trace: true` (initdb and
# postgres run as the `postgres` user the package creates), without what trace never uses: no
# default cluster (the package would make one), no JIT (trace runs with jit = off), so LLVM, its
# z3 and the bitcode go after the install. Built by default (the last stage): it runs every mode.
FROM action AS trace
RUN mkdir -p /etc/postgresql-common \
 && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
 && rm -rf /usr/lib/postgresql/15/lib/llvmjit* /usr/lib/postgresql/15/lib/bitcode \
 && dpkg --purge --force-depends libllvm14 libz3-4 \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man
