"""False unknowns from stranger review 89, closed narrowly (issue #53: what pgfence cannot see is
never clean, but what it can read is read).

F: a .yarnrc.yml `plugins:` list naming only Yarn's own plugins checked in by `yarn plugin import`
(.yarn/plugins/@yarnpkg/plugin-*.cjs, regular files) is an assumption, printed, as `yarnPath` is;
another scope, a link or a missing file stays unknown. G: an OpenAPI document over the settings size
limit is no settings file; a YAML file with a second document or another top-level key stays unknown.
E: an actions/github-script step's `exec.exec('literal')` is read as a command line: a release
command is clean, the down direction or a computed command line is unknown. H: node-pg-migrate's
`pgm.createIndex('t', ['type', 'LOWER(name)'])` is rendered (the column raw, as indexes.js does), so
the index build is HIGH, not unknown; a column decamelize would rewrite stays unknown.

    test_precision90.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import KNEX, analyze  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

PLUGIN = "module.exports = {name: '@yarnpkg/plugin-workspace-tools', factory: function (require) { return {}; }};\n"


def unknown_lines(found, path):
    return sorted({f["line"] for f in found if f["rule"] == "unknown-statement" and f["path"] == path})


def yarnrc(*plugins):
    text = "nodeLinker: node-modules\n\nplugins:\n"
    for scope, name in plugins:
        text += f"  - path: .yarn/plugins/{scope}/plugin-{name}.cjs\n    spec: \"{scope}/plugin-{name}\"\n"
    return text + "\nyarnPath: .yarn/releases/yarn-3.2.1.cjs\n"


def yarn_official_plugins(s):
    """The top's .yarnrc.yml loads Yarn's workspace-tools and interactive-tools plugins, checked in:
    no unknown. tools/ loads a plugin of another scope, web/ a @yarnpkg one through a link, api/ one
    that is not in the repository: each stays unknown at its `plugins:` line (3)."""
    files = {**KNEX, ".yarnrc.yml": yarnrc(("@yarnpkg", "workspace-tools"), ("@yarnpkg", "interactive-tools")),
             ".yarn/releases/yarn-3.2.1.cjs": "// yarn\n",
             ".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs": PLUGIN,
             ".yarn/plugins/@yarnpkg/plugin-interactive-tools.cjs": PLUGIN,
             "tools/.yarnrc.yml": yarnrc(("@yarnpkg", "workspace-tools"), ("@acme", "preload")),
             "tools/.yarn/releases/yarn-3.2.1.cjs": "// yarn\n",
             "tools/.yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs": PLUGIN,
             "tools/.yarn/plugins/@acme/plugin-preload.cjs": PLUGIN,
             "web/.yarnrc.yml": yarnrc(("@yarnpkg", "workspace-tools")),
             "web/.yarn/releases/yarn-3.2.1.cjs": "// yarn\n",
             "web/elsewhere/plugin.cjs": PLUGIN,
             "api/.yarnrc.yml": yarnrc(("@yarnpkg", "version")),
             "api/.yarn/releases/yarn-3.2.1.cjs": "// yarn\n"}
    pull_request(s, files, {})
    os.makedirs(os.path.join(s.repo, "web/.yarn/plugins/@yarnpkg"))
    os.symlink("../../../elsewhere/plugin.cjs", os.path.join(s.repo, "web/.yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs"))
    proc, found = analyze(s)
    check(unknown_lines(found, ".yarnrc.yml") == [], f"Yarn's own plugins, checked in, are no unknown: {found}")
    for other in ("tools/.yarnrc.yml", "web/.yarnrc.yml", "api/.yarnrc.yml"):
        check(unknown_lines(found, other) == [3], f"{other}: its plugins stay unknown at line 3: {found}")
    check(proc.returncode == 1, f"analyze --ci --unknown block still fails on the others: {proc.returncode}")


def big(head, line, size=(1 << 20) + 4096):
    text = head
    n = 0
    while len(text) < size:
        text += line.replace("N", str(n))
        n += 1
    return text


def openapi_spec_large(s):
    """A 1 MiB+ OpenAPI document (specs/openapi.yaml) is not a settings file: no unknown. Over the
    limit, a document whose later top-level key is `kind:`, one with a second YAML document, and a
    Spring application.yml stay unknown at line 1."""
    spec = big("openapi: 3.0.0\ninfo:\n  title: Shop\n  version: 1.0.0\npaths:\n", "  /items/N:\n    get:\n      summary: item N\n")
    spec += "components:\n  schemas: {}\nx-tagGroups: []\n"
    files = {**KNEX, "specs/openapi.yaml": spec,
             "specs/swagger.yml": big("swagger: '2.0'\ninfo:\n  title: Shop\npaths:\n", "  /items/N:\n    get: {}\n") + "definitions: {}\n",
             "deploy/job.yaml": spec + "kind: Job\napiVersion: batch/v1\n",
             "deploy/two.yaml": spec + "---\napiVersion: batch/v1\nkind: Job\n",
             "src/main/resources/application.yml": big("spring:\n  flyway:\n    enabled: true\n", "# padding N\n")}
    pull_request(s, files, {})
    proc, found = analyze(s)
    for quiet in ("specs/openapi.yaml", "specs/swagger.yml"):
        check(unknown_lines(found, quiet) == [], f"{quiet}: an API description is no settings file: {found}")
    for loud in ("deploy/job.yaml", "deploy/two.yaml", "src/main/resources/application.yml"):
        check(unknown_lines(found, loud) == [1], f"{loud}: too large to read, unknown at line 1: {found}")


def script_workflow(*lines):
    text = ("on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - uses: actions/github-script@v7\n        with:\n          script: |\n")
    return text + "".join(f"            {l}\n" for l in lines)


def github_script_exec(s):
    """A github-script step's literal `exec.exec` / `exec.getExecOutput` command lines are read as
    commands: a snapshot release is clean. In another workflow, the down direction (line 10), a
    computed command line (11), options that may change what runs (12), and the down direction as
    a second call on a line (13) stay unknown."""
    release = script_workflow("await exec.exec('yarn run changeset version --snapshot snapshot')",
                              "const {stdout} = await exec.getExecOutput('npm', ['run', 'build'])",
                              "core.info(stdout)")
    down = script_workflow("await exec.exec('npx knex migrate:rollback --all')",
                           "await exec.exec(process.env.CMD)",
                           "await exec.exec('npx knex migrate:latest', [], {env: {NODE_OPTIONS: '-r ./x.js'}})",
                           "await exec.exec('echo', ['hi']); await exec.exec('npx knex migrate:rollback --all')")
    files = {**KNEX, ".github/workflows/snapshot.yml": release, ".github/workflows/reset.yml": down}
    files["package.json"] = '{"name": "app", "scripts": {"build": "tsc"}, "dependencies": {"knex": "3.1.0", "pg": "8.11.0"}}\n'
    pull_request(s, files, {})
    proc, found = analyze(s)
    check(unknown_lines(found, ".github/workflows/snapshot.yml") == [], f"a literal release command is read, not unknown: {found}")
    check(unknown_lines(found, ".github/workflows/reset.yml") == [10, 11, 12, 13], f"the down verb, a computed command, options, a second call on a line: unknown: {found}")
    check(proc.returncode == 1, f"analyze --ci --unknown block fails: {proc.returncode}")


NPGM = {"package.json": '{"name":"app","private":true,"scripts":{"migrate":"node-pg-migrate -m migrations"},'
                        '"dependencies":{"node-pg-migrate":"6.2.2","pg":"8.11.0"}}\n',
        "migrations/1700000000000_init.js": "exports.up = (pgm) => {\n"
                                            '  pgm.sql("CREATE TABLE tokens (id bigint PRIMARY KEY, type text, name text, symbol text)");\n'
                                            "};\n"}


def npgm_expression_index(s):
    """`pgm.createIndex('tokens', ['type', 'LOWER(name)'], {where})` on a table an earlier migration
    made is HIGH create-index-without-concurrently at its line (node-pg-migrate 6.2.2
    dist/operations/indexes.js writes a column with '(' raw), not unknown; `dropIndex` with the same
    columns is read too. `fooBar(name)`, which decamelize would rewrite to foo_bar(name), and a
    capital inside a string stay unknown."""
    mig = ("exports.up = (pgm) => {\n"
           "  pgm.dropIndex('tokens', ['type', 'name']);\n"
           "  pgm.createIndex('tokens', ['type', 'LOWER(name)'], { where: \"type = 'ft'\" });\n"
           "  pgm.createIndex('tokens', 'COALESCE(symbol, name)');\n"
           "  pgm.createIndex('tokens', ['fooBar(name)']);\n"
           "  pgm.createIndex('tokens', [\"(name || 'X')\"]);\n"
           "};\n")
    pull_request(s, {**NPGM, "migrations/1700000000001_lower.js": mig}, {})
    proc, found = analyze(s)
    path = "migrations/1700000000001_lower.js"
    high = sorted(f["line"] for f in found if f["path"] == path and f["rule"] == "create-index-without-concurrently")
    check(high == [3, 4], f"the expression indexes are HIGH at their lines: {found}")
    check(unknown_lines(found, path) == [5, 6], f"a column decamelize rewrites, a capital in a string: unknown: {found}")


SCENARIOS = {f.__name__: f for f in [yarn_official_plugins, openapi_spec_large, github_script_exec, npgm_expression_index]}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
