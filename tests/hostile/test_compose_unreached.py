"""Red team R77 E1, E2: a compose file run by a command pgfence does not recognise as compose's
(`$DC run` with DC a variable, an alias, a bash array; a Python or JavaScript script) loads an
env_file whose PGOPTIONS turns standard_conforming_strings off, so 00002's string ends early and
goose runs DROP TABLE users. pgfence reads every compose file of the repository by its content
(a top-level `services:`): what one no recognised command reaches would set is unknown at its
line, and `analyze --ci --unknown block` fails. docker's global options before `compose` are
recognised, so there the env_file's own line is unknown, as for any compose file run. An ordinary
compose file (a postgres service with POSTGRES_PASSWORD, a web app) stays clean; in `pgfence pr`,
a Spring setting the pull request adds to such an env_file is HIGH, another variable is not.

    test_compose_unreached.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import gated, pr_findings, repository, run  # noqa: E402

GATE = ("analyze", "--no-config", "--ci", "--unknown", "block", "--max-risk", "low", "--format", "json", ".")
FILES = "-f docker-compose.yml -f deploy/migrate.yaml"
BASE = {"docker-compose.yml": ("services:\n  web:\n    image: acme/web:1.4\n    ports: ['8080:8080']\n"
                               "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: app\n"),
        "deploy/migrate.yaml": ("services:\n  migrate:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n"
                                "    volumes:\n      - ./db/migrations:/migrations\n    env_file: deploy/goose.vars\n"),
        "deploy/goose.vars": "GOOSE_DRIVER=postgres\nPGOPTIONS=-c standard_conforming_strings=off\n",
        "db/migrations/00001_init.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"}
SEED = {"db/migrations/00002_seed.sql": "-- +goose Up\nSELECT 'a\\''; DROP TABLE users; --';\n"}
RUNNERS = {
    # E1: the command in a shell variable, an alias, a bash array; docker's global option.
    "variable": ("scripts/migrate.sh", f'#!/bin/sh\nset -e\nDC="docker compose {FILES}"\n$DC run --rm migrate up\n'),
    "alias": ("scripts/migrate.sh", f"#!/bin/bash\nshopt -s expand_aliases\nalias dc='docker compose {FILES}'\ndc run --rm migrate up\n"),
    "array": ("scripts/migrate.sh", f'#!/bin/bash\nDC=(docker compose {FILES})\n"${{DC[@]}}" run --rm migrate up\n'),
    "global_option": ("scripts/migrate.sh", f"#!/bin/sh\ndocker --context prod compose {FILES} run --rm migrate up\n"),
    # E2: a Python and a JavaScript deploy script.
    "python": ("scripts/migrate.py", ('import subprocess\n\nsubprocess.run(["docker", "compose", "-f", "docker-compose.yml", "-f", '
                                      '"deploy/migrate.yaml", "run", "--rm", "migrate", "up"], check=True)\n')),
    "javascript": ("scripts/migrate.js", f"const {{ execSync }} = require('child_process');\n"
                                         f"execSync('docker compose {FILES} run --rm migrate up', {{ stdio: 'inherit' }});\n"),
}


def gate(s):
    proc = run(s, *GATE)
    report = json.loads(proc.stdout) if proc.stdout else {"files": []}
    found = {(f["path"][2:] if f["path"].startswith("./") else f["path"], x["rule"], x["start"]["line"]) for f in report["files"]
             for x in f["findings"]}
    return proc, found


def unreached(kind):
    """The pull request adds the migrate service's compose file, its env_file and the script that
    runs it, with 00002; each form of the command (see RUNNERS) must fail the gate."""
    def scenario(s):
        runner, text = RUNNERS[kind]
        base = {p: t for p, t in BASE.items() if not p.startswith("deploy/")}
        head = {p: t for p, t in BASE.items() if p.startswith("deploy/")}
        head.update(SEED)
        head[runner] = text
        repository(s, base, head)
        proc, found = gate(s)
        # Recognised: the env_file's line, as for any compose file run; otherwise the compose file's
        # line that loads it.
        expected = ("deploy/goose.vars", "unknown-statement", 2) if kind == "global_option" else ("deploy/migrate.yaml", "unknown-statement", 6)
        check(expected in found, f"{expected} is unknown: {sorted(found)}\n{proc.stderr}")
        check(proc.returncode == 1, f"analyze --ci --unknown block fails: exit {proc.returncode}\n{proc.stdout[:2000]}\n{proc.stderr}")
        if kind != "global_option":
            message = json.dumps(json.loads(proc.stdout))
            check("service migrate" in message and "PGOPTIONS" in message, f"the unknown names the service and PGOPTIONS: {message[:3000]}")
    scenario.__name__ = "unreached_" + kind
    return scenario


def ordinary_compose(s):
    """An ordinary project: docker-compose.yml (postgres with POSTGRES_PASSWORD, a web app) and a
    production stack file by another name (deploy/stack.yml, run by hand) whose env_files set the
    app's and the database's variables: no unknown, the gate passes."""
    base = dict(BASE)
    del base["deploy/migrate.yaml"], base["deploy/goose.vars"]
    base["deploy/stack.yml"] = ("version: '3.8'\nservices:\n  web:\n    image: acme/web:1.4\n    env_file: deploy/web.vars\n"
                                "  db:\n    image: postgres:16\n    env_file:\n      - deploy/db.vars\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n"
                                "volumes:\n  pgdata: {}\n")
    base["deploy/web.vars"] = "RAILS_ENV=production\nSECRET_KEY_BASE=changeme\nDATABASE_URL=postgres://app:app@db:5432/app\n"
    base["deploy/db.vars"] = "POSTGRES_USER=app\nPOSTGRES_PASSWORD=app\nPOSTGRES_DB=app\n"
    base["scripts/deploy.sh"] = '#!/bin/sh\nDC="docker compose -f deploy/stack.yml"\n$DC up -d\n'
    repository(s, base, {"db/migrations/00002_orders.sql": "-- +goose Up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n"})
    proc, found = gate(s)
    check(proc.returncode == 0 and not found, f"the gate passes, no finding: exit {proc.returncode} {sorted(found)}\n{proc.stderr}")


APP_BASE = {"docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: app\n",
            "deploy/app.yaml": "services:\n  app:\n    image: acme/app:2.0\n    env_file: deploy/app.vars\n",
            "deploy/app.vars": "SPRING_PROFILES_ACTIVE=prod\nSERVER_PORT=8080\n",
            "scripts/deploy.py": ('import subprocess\n\nsubprocess.run(["docker", "compose", "-f", "docker-compose.yml", "-f", "deploy/app.yaml", '
                                  '"up", "-d"], check=True)\n'),
            "src/main/resources/application.properties": "spring.flyway.locations=classpath:db/migration\n",
            "src/main/resources/db/migration/V1__init.sql": "CREATE TABLE users (id bigint PRIMARY KEY);\n"}


def unreached_pr(s):
    """`pgfence pr`: the pull request adds SPRING_JPA_HIBERNATE_DDL_AUTO=create to deploy/app.vars,
    which only deploy/app.yaml loads, run from scripts/deploy.py: HIGH at the line (Hibernate drops
    and recreates every entity table at start), and analyze reports the compose file's line."""
    gated(s, APP_BASE, {"deploy/app.vars": APP_BASE["deploy/app.vars"] + "SPRING_JPA_HIBERNATE_DDL_AUTO=create\n"},
          {("deploy/app.vars", "migration-tool-settings-changed", 3)}, analyze=False)
    proc, found = gate(s)
    check(("deploy/app.yaml", "unknown-statement", 4) in found and proc.returncode == 1,
          f"analyze reports deploy/app.yaml:4: exit {proc.returncode} {sorted(found)}\n{proc.stderr}")


def unreached_pr_other(s):
    """The same file with a variable no migration tool or Spring setting pgfence reads: pr passes."""
    repository(s, APP_BASE, {"deploy/app.vars": APP_BASE["deploy/app.vars"] + "LOG_LEVEL=debug\n"})
    s.start_double()
    proc = s.run_pr("--format", f"json={os.path.join(s.tmp, 'pr.json')}")
    check(proc.returncode == 0 and not pr_findings(s), f"pr passes: exit {proc.returncode} {sorted(pr_findings(s))}\n{proc.stderr}")


MIGRATE_BLOCK = ("  migrate:\n    image: ghcr.io/kukymbr/goose-docker:3.22.0\n    volumes:\n      - ./db/migrations:/migrations\n"
                 "    env_file: deploy/goose.vars\n")
# R78b B7: the same compose file in forms compose-go parses as YAML (any -f file), named by no
# compose name: (its path, its text, the unknown's line).
SHAPES = {
    "json": ("deploy/migrate.json", '{"services": {"migrate": {"image": "ghcr.io/kukymbr/goose-docker:3.22.0", '
                                    '"volumes": ["./db/migrations:/migrations"], "env_file": "deploy/goose.vars"}}}\n', 1),
    "no_extension": ("deploy/migrate", "services:\n" + MIGRATE_BLOCK, 6),
    "template": ("deploy/migrate.yml.tmpl", "services:\n" + MIGRATE_BLOCK, 6),
    "space_colon": ("deploy/migrate.yaml", "services :\n" + MIGRATE_BLOCK, 1),
    "quoted_key": ("deploy/migrate.yaml", '"services":\n' + MIGRATE_BLOCK, 1),
    "flow": ("deploy/migrate.yaml", "{services: {migrate: {image: 'ghcr.io/kukymbr/goose-docker:3.22.0', env_file: deploy/goose.vars}}}\n", 1),
    "bom": ("deploy/migrate.yaml", "\ufeffservices:\n" + MIGRATE_BLOCK, 1),
}


def shape(kind):
    """R78b B7: the migrate service's compose file is written in another form YAML reads the same
    (PyYAML and compose-go give the same env_file); the script runs it through a variable. The
    gate fails with an unknown in that file."""
    def scenario(s):
        path, text, line = SHAPES[kind]
        base = {p: t for p, t in BASE.items() if not p.startswith("deploy/migrate")}
        head = {path: text, "scripts/migrate.sh": f'#!/bin/sh\nset -e\nDC="docker compose -f docker-compose.yml -f {path}"\n$DC run --rm migrate up\n'}
        head.update(SEED)
        repository(s, base, head)
        proc, found = gate(s)
        check((path, "unknown-statement", line) in found, f"{path}:{line} is unknown: {sorted(found)}\n{proc.stderr}")
        check(proc.returncode == 1, f"analyze --ci --unknown block fails: exit {proc.returncode}\n{proc.stdout[:2000]}\n{proc.stderr}")
    scenario.__name__ = "shape_" + kind
    return scenario


def shape_control(s):
    """Files that only look like compose files stay clean: a JSON API fixture with a nested
    "services" key, a README-like file without extension that mentions services:, a Helm values
    template whose services: holds no env_file."""
    base = dict(BASE)
    del base["deploy/migrate.yaml"]
    base["fixtures/catalog.json"] = '{"name": "catalog", "items": [{"services": ["a"]}], "env_file": "x"}\n'
    base["NOTES"] = "Our services: web and db.\nThe env_file for each is under deploy/.\n"
    base["chart/values.yaml.tmpl"] = "services:\n  web:\n    port: 8080\n"
    repository(s, {"README.md": "app\n"}, base)
    proc, found = gate(s)
    check(proc.returncode == 0, f"analyze passes: exit {proc.returncode}\n{sorted(found)}\n{proc.stderr}")


SCENARIOS = {f.__name__: f for f in [unreached(k) for k in RUNNERS] + [shape(k) for k in SHAPES] +
             [ordinary_compose, unreached_pr, unreached_pr_other, shape_control]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
