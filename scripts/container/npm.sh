#!/usr/bin/env bash
# The npm package in a clean container, with podman (part of scripts/test-container.sh, which
# decides whether containers can run here): packs pgfence-<version>.tgz with scripts/npm-pack.sh
# from the x86_64 and the arm64 build, then on debian:12-slim with Debian's own nodejs and npm
# (installed with apt from the mirror once per machine, kept as the image pgfence-node:12) and no
# network, runs scripts/container/npm_check.sh: `npm install` of the .tgz into a project of SQL
# migrations and into a TypeScript project with a TypeORM migration, and `npx pgfence analyze`
# on each, the launcher's exit codes and signals, its error line on other platforms.
# Prints `ok:` and `FAILED:` lines (and one `skip:` line when the cross toolchain is not installed,
# so there is no arm64 build to pack); exits 1 when anything failed.
#   scripts/container/npm.sh BUILD_DIR ARM64_BUILD_DIR WORK_DIR
#     (ARM64_BUILD_DIR configured and built by scripts/setup.sh or scripts/test-arm64.sh)
set -uo pipefail
[ $# -eq 3 ] || { echo "error: usage: scripts/container/npm.sh BUILD_DIR ARM64_BUILD_DIR WORK_DIR" >&2; exit 2; }
cd "$(dirname "$0")/../.." || exit 2
build="$1"
cross="$2"
source scripts/container/lib.sh
ctr_setup "$3"
work="$(realpath "$CTR_WORK")"

if [ ! -x "$cross/bot/pgfence" ]; then
  if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
    echo "skip: npm: no arm64 build to pack: the cross compiler is not installed (scripts/setup.sh installs it)"
    exit 0
  fi
  echo "FAILED: npm: $cross/bot/pgfence is not built (scripts/setup.sh or scripts/test-arm64.sh builds it)"
  exit 1
fi

ctr_base_image bookworm docker.io/library/debian:12 docker.io/library/debian:12-slim || exit 1
image=localhost/pgfence-node:12
if ! podman image exists "$image"; then
  start=$SECONDS
  printf 'FROM docker.io/library/debian:12-slim\nRUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null && rm -rf /var/lib/apt/lists/*\n' \
    > "$work/Containerfile.node"
  if ! podman build --quiet --tag "$image" -f "$work/Containerfile.node" "$work" > "$work/build-node.log" 2>&1; then
    tail -15 "$work/build-node.log"
    echo "FAILED: npm: Debian 12's nodejs and npm do not install from the mirror (podman build)"
    exit 1
  fi
  echo "note: npm: made $image (Debian 12's nodejs and npm from apt) in $((SECONDS - start)) s"
fi

out="$work/npm"
rm -rf "$out"
start=$SECONDS
if ! bash scripts/npm-pack.sh "$build" "$cross" "$out" > "$work/npm-pack.log" 2>&1; then
  tail -20 "$work/npm-pack.log"
  echo "FAILED: npm: scripts/npm-pack.sh"
  exit 1
fi
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
echo "ok: npm: scripts/npm-pack.sh: $(sed -n 's/^wrote //p' "$work/npm-pack.log") in $((SECONDS - start)) s"

# The sample projects, mounted read-only.
fixture="$work/npm-fixture"
rm -rf "$fixture"
mkdir -p "$fixture/sql/migrations" "$fixture/typeorm/src/migrations"
printf '{\n  "name": "sample-sql-migrations",\n  "version": "1.0.0",\n  "private": true\n}\n' > "$fixture/sql/package.json"
printf 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n' > "$fixture/sql/migrations/001_users.sql"
printf 'CREATE INDEX users_email_idx ON users (email);\n' > "$fixture/sql/migrations/002_users_email_index.sql"
cat > "$fixture/typeorm/package.json" <<JSON
{
  "name": "sample-typeorm",
  "version": "1.0.0",
  "private": true,
  "scripts": {
    "migrations:check": "pgfence analyze --ci --color never src/migrations/"
  },
  "devDependencies": {
    "pgfence": "file:/pkg/pgfence-$version.tgz"
  }
}
JSON
printf '{\n  "compilerOptions": {\n    "target": "ES2021",\n    "module": "commonjs",\n    "experimentalDecorators": true,\n    "emitDecoratorMetadata": true,\n    "outDir": "dist",\n    "strict": true\n  },\n  "include": ["src"]\n}\n' \
  > "$fixture/typeorm/tsconfig.json"
cat > "$fixture/typeorm/src/migrations/1700000000000-AddIndex.ts" <<'TS'
import { MigrationInterface, QueryRunner } from "typeorm";

export class AddIndex1700000000000 implements MigrationInterface {
    name = "AddIndex1700000000000";

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_user_email"`);
    }
}
TS
cp scripts/container/npm_check.sh "$fixture/check.sh"

start=$SECONDS
podman run --rm --network none -v "$out:/pkg:ro" -v "$fixture:/fixture:ro" "$image" \
  sh /fixture/check.sh "$version" > "$work/npm-check.log" 2>&1
status=$?
grep -E '^(ok|FAILED|note): ' "$work/npm-check.log"
if [ "$status" -ne 0 ]; then
  grep -q '^FAILED: ' "$work/npm-check.log" ||
    { tail -15 "$work/npm-check.log"; echo "FAILED: npm: the container exited with $status"; }
  exit 1
fi
echo "note: npm: the container checks took $((SECONDS - start)) s"
