"""node-config's custom-environment-variables (issue #53, red team G1 NPMCUSTENV, NPMCUSTENVTABLE):
config/custom-environment-variables.json maps node-pg-migrate's `migrations-dir` to an environment
variable, whose value is known only at deploy. The folder node-pg-migrate runs is then not known:
the setting is an unknown-statement at its line in `analyze` of the checkout, whatever folder the
pull request adds its migrations to (`pgfence pr` does not report it yet). Real git repositories, the GitHub double.

    test_node_config_env.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_tool_reach import analyze_findings, repository, run  # noqa: E402

INIT = ("exports.up = (pgm) => { pgm.sql(\"SET lock_timeout = '2s'\"); "
        "pgm.sql('CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, total numeric)'); };\n")
BASE = {"config/default.json": '{"db":{"url":"postgres://db/app","migrations-dir":"migrations"}}\n',
        "config/custom-environment-variables.json": '{"db":{\n  "migrations-dir": "PGM_DIR"\n}}\n',
        "migrations/1700000000000_init.js": INIT,
        "package.json": '{"name":"app","dependencies":{"node-pg-migrate":"^7","pg":"^8","config":"^3"},'
                        '"scripts":{"migrate":"node-pg-migrate up"}}\n'}
CLEANUP = "exports.up = (pgm) => { pgm.sql('DROP TABLE users'); };\nexports.down = false;\n"


def env_dir(s):
    """The pull request puts a migration in db/changes, which PGM_DIR may name at deploy: the
    setting at custom-environment-variables.json:2 is unknown in analyze."""
    repository(s, BASE, {"db/changes/1700000000000_init.js": INIT, "db/changes/1700000000001_cleanup.js": CLEANUP})
    proc = run(s, "analyze", "--no-config", "--ci", "--max-risk", "low", ".")
    check(proc.returncode == 1, f"analyze --ci --max-risk low fails: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    found = analyze_findings(s)
    check(("config/custom-environment-variables.json", "unknown-statement", 2) in found,
          f"analyze reports the setting from the environment as unknown at its line: {sorted(found)}")


SCENARIOS = {"env_dir": env_dir}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
