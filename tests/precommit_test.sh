#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself (Debian's package) on a
# sample repository: a dangerous migration stops the commit, a safe one passes, and files
# outside the migration folders are not handed to pgfence. Exit 77 (skip) without pre-commit.
set -uo pipefail
pgfence_bin="$1"
source_dir="$2"
command -v pre-commit >/dev/null || { echo "SKIP: pre-commit is not installed"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME" "$tmp/bin"
ln -s "$pgfence_bin" "$tmp/bin/pgfence"
# The HTTPS module is looked up beside the binary; the hook never needs it.
export PATH="$tmp/bin:$PATH"

# The hook repository, as a team's config would name it (here by path, at a commit).
git init -q "$tmp/hooks" && cp "$source_dir/.pre-commit-hooks.yaml" "$tmp/hooks/" &&
  git -C "$tmp/hooks" add -A && git -C "$tmp/hooks" commit -qm hooks
rev="$(git -C "$tmp/hooks" rev-parse HEAD)"

repo="$tmp/app"
git init -q "$repo"
cat > "$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $tmp/hooks
    rev: $rev
    hooks: [{id: pgfence}]
YAML
mkdir -p "$repo/db/migrations" "$repo/src"
printf "SET lock_timeout = '2s';\nCREATE TABLE users (id bigint PRIMARY KEY);\n" > "$repo/db/migrations/001_users.sql"
printf "SELECT 1;\n" > "$repo/src/query.sql"
git -C "$repo" add -A
(cd "$repo" && pre-commit run --all-files > "$tmp/out" 2>&1)
status=$?
check "a safe migration passes" '[ "$status" -eq 0 ]'
check "the hook ran pgfence" 'grep -q "pgfence (PostgreSQL migration locks)" "$tmp/out"'

printf "CREATE INDEX users_email_idx ON users (email);\n" > "$repo/db/migrations/002_index.sql"
printf "DROP TABLE everything;\n" > "$repo/src/query.sql"
git -C "$repo" add -A
(cd "$repo" && pre-commit run --all-files > "$tmp/out" 2>&1)
status=$?
check "a dangerous migration stops the commit" '[ "$status" -ne 0 ] && grep -q "create-index-without-concurrently" "$tmp/out"'
check "files outside the migration folders are not checked" '! grep -q "src/query.sql" "$tmp/out"'
check "no ANSI escapes in the hook output" '! grep -q $'"'"'\x1b\['"'"' "$tmp/out"'

# A plan committed in parts (issue #33): the table is created in a committed migration and the
# SET NOT NULL plan's three migrations (CHECK NOT VALID, VALIDATE, SET NOT NULL) are staged. The
# hook replays the committed rest of the set as history, as pgfence pr replays the base commit:
# the plan passes. Without that history (--no-history) the same files are refused.
plan="$tmp/plan"
git init -q "$plan"
cp "$repo/.pre-commit-config.yaml" "$plan/"
mkdir -p "$plan/db/migrations"
printf "SET lock_timeout = '2s';\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n" > "$plan/db/migrations/001_users.sql"
git -C "$plan" add -A && git -C "$plan" commit -qm users
printf "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n" > "$plan/db/migrations/002_email.sql"
printf "SET lock_timeout = '2s';\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n" > "$plan/db/migrations/003_email_2.sql"
printf "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;\n" > "$plan/db/migrations/004_email_3.sql"
git -C "$plan" add -A
(cd "$plan" && pre-commit run --verbose > "$tmp/plan_out" 2>&1)
status=$?
check "a staged plan after its committed table passes the hook" '[ "$status" -eq 0 ]'
check "the hook replayed the committed migration as history" 'grep -q "^history: 3 files" "$tmp/plan_out"'
(cd "$plan" && git diff --cached --name-only --diff-filter=ACMR -z | pgfence pre-commit --ci --color never > "$tmp/plan_init_out" 2>&1)
status=$?
check "pgfence pre-commit (the init hook) passes it too" '[ "$status" -eq 0 ]'
(cd "$plan" && pgfence analyze --ci --color never --no-history db/migrations/002_email.sql db/migrations/003_email_2.sql \
  db/migrations/004_email_3.sql > "$tmp/plan_alone_out" 2>&1)
status=$?
check "without the history the same files are refused" '[ "$status" -ne 0 ] && grep -q "set-not-null-scan" "$tmp/plan_alone_out"'
# Committed in parts: the CHECK and its validation committed, the SET NOT NULL staged alone.
git -C "$plan" reset -q
git -C "$plan" add db/migrations/002_email.sql db/migrations/003_email_2.sql && git -C "$plan" commit -qm check
git -C "$plan" add -A
(cd "$plan" && pre-commit run > "$tmp/plan_last_out" 2>&1)
status=$?
check "the plan's last migration, staged after the others were committed, passes" '[ "$status" -eq 0 ]'

# A WIP migration committed, then deleted in the index and replaced by a staged one doing the
# same (red team #3): the deleted file is no history of the staged one. The init hook reads the
# set from the index, analyze (the framework's hook) from HEAD's files still in the working tree.
wip="$tmp/wip"
git init -q "$wip"
cp "$repo/.pre-commit-config.yaml" "$wip/"
mkdir -p "$wip/migrations"
echo 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' > "$wip/migrations/001_users.sql"
git -C "$wip" add -A && git -C "$wip" commit -qm base
echo 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' > "$wip/migrations/002_wip.sql"
git -C "$wip" add -A && git -C "$wip" commit -qm wip
git -C "$wip" rm -q migrations/002_wip.sql
printf "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n" \
  > "$wip/migrations/003_email.sql"
git -C "$wip" add migrations/003_email.sql
(cd "$wip" && git diff --cached --name-only --diff-filter=ACMR -z | pgfence pre-commit --ci --color never > "$tmp/wip_out" 2>&1)
status=$?
check "pre-commit: a committed file the index deletes is not replayed" '[ "$status" -eq 1 ] && grep -q "HIGH *set-not-null-scan" "$tmp/wip_out"'
(cd "$wip" && pre-commit run > "$tmp/wip_fw_out" 2>&1)
status=$?
check "the framework's hook (analyze) leaves out a committed file the working tree deleted" \
  '[ "$status" -ne 0 ] && grep -q "set-not-null-scan" "$tmp/wip_fw_out"'
# A renumbered copy (the WIP file kept beside it): never the copy's own history.
git -C "$wip" reset -q --hard
cp "$wip/migrations/002_wip.sql" "$wip/migrations/003_wip.sql"
(cd "$wip" && pgfence analyze --ci --color never migrations/003_wip.sql > "$tmp/copy_out" 2>&1)
status=$?
check "analyze: a committed file with an analysed file's bytes is not replayed" \
  '[ "$status" -eq 1 ] && grep -q "HIGH *set-not-null-scan" "$tmp/copy_out"'
rm -f "$wip/migrations/003_wip.sql"
# `git commit -a` stages into a temporary index that git names in GIT_INDEX_FILE: the init hook
# reads that one (the WIP file deleted in the working tree only is deleted there).
(cd "$wip" && pgfence init > /dev/null 2>&1)
rm "$wip/migrations/002_wip.sql"
printf "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n" \
  > "$wip/migrations/003_email.sql"
git -C "$wip" add migrations/003_email.sql
(cd "$wip" && git commit -qam replace > "$tmp/wip_all_out" 2>&1)
status=$?
check "git commit -a: the init hook reads the index git names (GIT_INDEX_FILE)" \
  '[ "$status" -ne 0 ] && grep -q "HIGH *set-not-null-scan" "$tmp/wip_all_out"'

# A huge committed migration (red team #4; 20 MB of spaces, over the 16 MiB --max-file-size):
# its size is read from the object's header, it is never loaded, and one note names it.
big="$tmp/big"
git init -q "$big"
mkdir -p "$big/migrations"
echo 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' > "$big/migrations/001_users.sql"
head -c 20971520 /dev/zero | tr '\0' ' ' > "$big/migrations/000_big.sql"
git -C "$big" add -A && git -C "$big" commit -qm base
printf "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n" > "$big/migrations/002_idx.sql"
git -C "$big" add migrations/002_idx.sql
(cd "$big" && printf 'migrations/002_idx.sql\0' | pgfence pre-commit --ci --no-config --color never > "$tmp/big_out" 2> "$tmp/big_err")
status=$?
check "pre-commit: a committed migration over --max-file-size is skipped with a note" \
  '[ "$status" -eq 0 ] && [ "$(grep -c "^note: migrations/000_big.sql (in the index): is .*over --max-file-size" "$tmp/big_err")" -eq 1 ]'
(cd "$big" && pgfence analyze --ci --no-config --color never migrations/002_idx.sql > "$tmp/big_out" 2> "$tmp/big_err2")
status=$?
check "analyze: the same note" \
  '[ "$status" -eq 0 ] && grep -q "^note: migrations/000_big.sql (committed at HEAD): is .*over --max-file-size" "$tmp/big_err2"'

# A migration renumbered with git mv and edited is staged as a rename (red team #6): the hook
# `pgfence init` writes hands it to pgfence, and the edit stops the commit.
moved="$tmp/moved"
git init -q "$moved"
mkdir -p "$moved/migrations"
echo 'CREATE TABLE users (id bigint PRIMARY KEY, email text);' > "$moved/migrations/001_users.sql"
printf "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n" \
  > "$moved/migrations/002_email.sql"
git -C "$moved" add -A && git -C "$moved" commit -qm base
(cd "$moved" && pgfence init > /dev/null 2>&1)
git -C "$moved" mv migrations/002_email.sql migrations/003_email.sql
echo 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' >> "$moved/migrations/003_email.sql"
git -C "$moved" add -A
check "the rename is staged as one (R)" '[ "$(git -C "$moved" diff --cached --name-status | cut -c1)" = R ]'
(cd "$moved" && git commit -qm renumber > "$tmp/moved_out" 2>&1)
status=$?
check "the init hook analyses a renamed and edited migration" '[ "$status" -ne 0 ] && grep -q "set-not-null-scan" "$tmp/moved_out"'

[ "$fail" -eq 0 ] || { echo "--- pre-commit output"; cat "$tmp/out" "$tmp/plan_out" "$tmp/plan_init_out" "$tmp/plan_alone_out" "$tmp/plan_last_out" \
  "$tmp/wip_out" "$tmp/wip_fw_out" "$tmp/wip_all_out" "$tmp/copy_out" "$tmp/big_err" "$tmp/big_err2" "$tmp/moved_out" 2>/dev/null; }
exit "$fail"
