"""`docker compose -f "$COMPOSE_FILE"` in a script that sets COMPOSE_FILE to one literal
(review86 class D: nestjs-boilerplate's test/generators/run-crud-*.sh): the command runs that
compose file, which is read as if named, its env_file included. Where the assignment does not run
the value is the environment's COMPOSE_FILE, which a bare `docker compose` reads as much. A value
the script computes, two values, or another variable's name stay unknown. Each builds a real git
repository and runs `pgfence analyze --ci --unknown block`.

    test_compose_variable.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import repository, run  # noqa: E402

UNKNOWN = "unknown-statement"
SCRIPT = "test/e2e.sh"
BASE = {"docker-compose.test.yml": ("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: app\n"),
        "deploy/migrate.yaml": ("services:\n  migrate:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n"
                                "    volumes:\n      - ../db/migrations:/migrations\n    env_file: goose.vars\n"),
        "deploy/goose.vars": "GOOSE_DRIVER=postgres\nPGOPTIONS=-c standard_conforming_strings=off\n",
        "db/migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"}


SEED = {"db/migrations/00002_seed.sql": "-- +goose Up\nSELECT 'a\\''; DROP TABLE users; --';\n"}


def findings(s, script, more=None):
    files = dict(BASE)
    files.update(more or {})
    files[SCRIPT] = "#!/usr/bin/env bash\nset -euo pipefail\n" + script
    repository(s, files, {"README.md": "change\n"})
    proc = run(s, "analyze", "--no-config", "--ci", "--unknown", "block", "--format", "json", ".")
    report = json.loads(proc.stdout) if proc.stdout else {"files": []}
    return proc, {(f["path"].removeprefix("./"), x["rule"], x["start"]["line"]) for f in report["files"] for x in f["findings"]}


def script_unknowns(found):
    return {line for path, rule, line in found if path == SCRIPT and rule == UNKNOWN}


def literal(s):
    proc, found = findings(s, 'COMPOSE_FILE="docker-compose.test.yml"\ndocker compose -f "$COMPOSE_FILE" -p e2e up -d\n')
    check(not script_unknowns(found), f"the compose file is the literal: {sorted(found)}")


def literal_reads_env_file_control(s):
    """COMPOSE_FILE names the migrate service's file: read as `-f deploy/migrate.yaml` is."""
    _, named = findings(s, "docker compose -f deploy/migrate.yaml run --rm migrate up\n", SEED)
    shutil.rmtree(s.repo)
    _, via = findings(s, 'COMPOSE_FILE="deploy/migrate.yaml"\ndocker compose -f "${COMPOSE_FILE}" run --rm migrate up\n', SEED)
    strip = lambda f: {(p, r) for p, r, _ in f if p != SCRIPT}  # noqa: E731
    check(strip(named) and strip(via) == strip(named), f"the same as named: {sorted(via)} vs {sorted(named)}")


def computed_control(s):
    _, found = findings(s, 'COMPOSE_FILE="$1"\ndocker compose -f "$COMPOSE_FILE" up -d\n')
    check(4 in script_unknowns(found), f"computed: unknown at the command: {sorted(found)}")


def two_values_control(s):
    _, found = findings(s, 'COMPOSE_FILE="docker-compose.test.yml"\nif [ -n "${CI:-}" ]; then\n'
                           '  COMPOSE_FILE="deploy/migrate.yaml"\nfi\ndocker compose -f "$COMPOSE_FILE" up -d\n')
    check(7 in script_unknowns(found), f"two values: unknown at the command: {sorted(found)}")


def other_name_control(s):
    _, found = findings(s, 'FILE="docker-compose.test.yml"\ndocker compose -f "$FILE" up -d\n')
    check(4 in script_unknowns(found), f"another variable: unknown: {sorted(found)}")


SCENARIOS = {f.__name__: f for f in (literal, literal_reads_env_file_control, computed_control, two_values_control, other_name_control)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
