"""Code Node preloads into the migration tool's process (red team R78b B2).

npm puts an .npmrc's `node-options` into NODE_OPTIONS for every script it runs
(docs.npmjs.com/cli/using-npm/config#node-options), and node loads each `-r` / `--require` /
`--import` / `--loader` module before the program (nodejs.org/api/cli.html). A preloaded
lib/patch.js writing `require('./helper').run = evil` made knex's real `migrate:latest` drop
users while pgfence 0.68226bb2 reported the migration's SELECT 1 and exited 0, in `analyze` and
in `pr`. Each preload is unknown at its line; a well-known register hook (dotenv/config) is not.

    test_preload.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_module_writes import CALLS_HELPER, EVIL, pull_request, unknown_at  # noqa: E402


def gate_both(s, head, path, line):
    """`analyze --ci` fails with an unknown at `path`:`line`; `pr` fails with the same unknown at the
    line (not only a migration-tool settings change), and its comment names it."""
    pull_request(s, head)
    gate = ["--ci", "--unknown", "block", "--max-risk", "low"]
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", *gate, "--output", "json", "."], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    check(analyze.returncode == 1, f"analyze --ci --unknown block exits 1: {analyze.returncode}\n{analyze.stderr}")
    found = [{"rule": f["rule"], "path": os.path.normpath(file["path"]), "line": f["start"]["line"]}
             for file in json.loads(analyze.stdout)["files"] for f in file["findings"]]
    check(unknown_at(found, path, line), f"analyze: unknown at {path}:{line}: {found}")
    s.start_double()
    proc = s.run_pr(*gate, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(proc.returncode == 1, f"pr fails: exit {proc.returncode}\n{proc.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    found = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]]
    check(any(rule == "unknown-statement" and (p, n) == (path, line) for rule, p, n in found),
          f"pr: {path}:{line} is unknown, as in analyze: {found}")
    comment = "\n".join(c["body"] for c in s.comments())
    check(os.path.basename(path) in comment, f"the comment names {path}:\n{comment[:1500]}")


PATCH = {"lib/patch.js": f"require('./helper').run = {EVIL};\n"}
MIGRATION = {"migrations/20240101000000_s.js": CALLS_HELPER}


def script(command):
    return '{\n  "dependencies": {"knex": "3.1.0", "pg": "8.11.0"},\n  "scripts": {\n    "migrate": "' + command + '"\n  }\n}\n'


def npmrc(s):
    gate_both(s, {**PATCH, **MIGRATION, ".npmrc": "fund=false\nnode-options=--require ./lib/patch.js\n"}, ".npmrc", 2)


def node_r(s):
    gate_both(s, {**PATCH, **MIGRATION, "package.json": script("node -r ./lib/patch.js node_modules/.bin/knex migrate:latest")},
              "package.json", 4)


def node_options(s):
    gate_both(s, {**PATCH, **MIGRATION, "package.json": script("NODE_OPTIONS='--require ./lib/patch.js' knex migrate:latest")},
              "package.json", 4)


def workflow_import(s):
    workflow = ("on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: node --import ./lib/patch.mjs node_modules/knex/bin/cli.js migrate:latest\n")
    gate_both(s, {"lib/patch.mjs": "import h from './helper.js';\nh.run = null;\n", **MIGRATION, ".github/workflows/migrate.yml": workflow},
              ".github/workflows/migrate.yml", 7)


def control_register_hooks(s):
    """dotenv/config and ts-node/register are well-known hooks, `chown -R node:node` no preload: no unknown."""
    pull_request(s, {**MIGRATION, "package.json": script("node -r dotenv/config -r ts-node/register node_modules/.bin/knex migrate:latest"),
                     ".npmrc": "node-options=--require dotenv/config\n",
                     # `-R` / `-r` of other programs on a line naming the node user (outline's, wiki.js's Dockerfiles).
                     "Dockerfile": "FROM node:20\nRUN adduser -S nodejs && chown -R node:node /app && cp -r dist /app\nCMD [\"node\", \"server.js\"]\n"})
    analyze = subprocess.run([s.args.binary, "analyze", "--no-config", "--format", "json", "."], cwd=s.repo,
                             capture_output=True, text=True, timeout=120)
    report = json.loads(analyze.stdout)
    check(report["summary"]["unknown"] == 0, f"analyze: nothing is unknown: {[f['findings'] for f in report['files']]}")


SCENARIOS = {
    "npmrc_node_options": npmrc,
    "script_node_r": node_r,
    "script_node_options": node_options,
    "workflow_import": workflow_import,
    "control_register_hooks": control_register_hooks,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
