"""False unknowns of stranger review 87 (issue #53: unknown is never clean, but no false unknowns on
ordinary projects). Class B: shell read wrong (formbricks) -- a sed or awk program, a here-document's
body, a string assignment read as a script's name. Class C: a comment naming `prisma db push`.
Class E: Yarn 2+'s yarnPath naming the release
checked in under .yarn/releases/ (speckle, dittofeed). Each benign form was an unknown on 36c1dfba;
each control keeps the dangerous form in the same place unknown at its line.

    test_review87_precision.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, main  # noqa: E402
from test_deploy_commands import GATE, KNEX, analyze, clean, gate_analyze  # noqa: E402
from test_module_writes import pull_request  # noqa: E402

WF = ".github/workflows/ci.yml"
RESET = {"scripts/reset.sh": "#!/bin/sh\nnpx knex migrate:rollback --all\n"}
# A working folder the job computes: a word taken for a script's name is one pgfence cannot find.
COMPUTED_DIR = "    defaults:\n      run:\n        working-directory: ${{ inputs.dir || '.' }}/app\n"


def steps(*lines):
    return ("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n" + COMPUTED_DIR +
            "    steps:\n      - uses: actions/checkout@v4\n" + "".join(lines))


def deploy_script(body):
    """docker/install.sh, run by the workflow, with a `cd` to a computed folder before `body`."""
    return {"docker/install.sh": "#!/bin/bash\nset -e\ninstall() {\n  mkdir -p \"$DIR\" && cd \"$DIR\"\n}\ninstall\n" + body,
            WF: "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: bash docker/install.sh\n"}


# formbricks .github/actions/resolve-docker-version/action.yml:76: `\|` inside sed's quotes.
def sed_alternation(s):
    clean(s, {WF: steps("      - run: |\n          b=$(echo \"$BRANCH\" | sed 's/[^a-z]/-/g' | sed 's/^-\\|-$//g')\n"
                        "          echo \"tag=$b\" >> \"$GITHUB_OUTPUT\"\n")})


def sed_pipe_control(s):
    """What the line pipes sed's output into is still a command: the script it runs is read."""
    gate_analyze(s, {**RESET, WF: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                                  "      - run: sed 's/^-\\|-$//g' list.txt | bash scripts/reset.sh\n"}, WF, 7)


def npx_scoped_package(s):
    """npx's scoped package (speckle publish_fe2_sourcemaps.sh:36) is no file of the repository."""
    clean(s, {WF: steps("      - run: |\n          DATADOG_SITE=\"${DATADOG_SITE}\" npx --yes @datadog/datadog-ci sourcemaps upload ./dist\n"
                        "          npx @sentry/cli releases new \"$VERSION\"\n")})


def scoped_folder_script_control(s):
    """A script in a folder named like a scope, run by bash, is read."""
    gate_analyze(s, {"@tools/reset.sh": RESET["scripts/reset.sh"],
                     WF: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                         "      - run: bash @tools/reset.sh\n"}, WF, 7)


# formbricks docker/formbricks.sh:650, migrate-to-v4.sh:1362: an awk program over lines and on one.
AWK = ("awk '\n  BEGIN{in_fb=0}\n  /^  formbricks:/ {in_fb=1}\n  /^  [A-Za-z0-9_-]+:/ && !/^  formbricks:/ {in_fb=0}\n  { print }\n"
       "' docker-compose.yml > tmp.yml && mv tmp.yml docker-compose.yml\n"
       "awk '!/^  minio:/ && !/^    image: minio\\// {print}' docker-compose.yml > tmp.yml\n")


def awk_program(s):
    clean(s, deploy_script(AWK))


def awk_system_control(s):
    """An awk program line that runs a command (system) is read: the rollback in it is unknown."""
    gate_analyze(s, deploy_script("awk '\n  /^x/ { system(\"npx knex migrate:rollback --all\") }\n' f.txt\n"), "docker/install.sh", 8)


# formbricks docker/formbricks.sh:460: a here-document written to a file is the file's text.
TRAEFIK = "cat <<EOT >traefik-dynamic.yaml\ntls:\n  options:\n    default:\n      alpnProtocols:\n        - h2\n        - acme-tls/1\nEOT\n"


def heredoc_to_file(s):
    clean(s, deploy_script(TRAEFIK + "cat > \"$cors_file\" << 'EOF'\n{ \"AllowedOrigins\": [\"*/api/v1\"] }\nEOF\n"))


def heredoc_bash_control(s):
    """A here-document fed to bash is a script: the script its body runs is read."""
    gate_analyze(s, {**RESET, **deploy_script("bash <<'EOF'\nset -e\nbash scripts/reset.sh\nEOF\n")}, "docker/install.sh", 9)


def heredoc_pipe_control(s):
    """cat's here-document piped into a shell is a script too."""
    gate_analyze(s, {**RESET, **deploy_script("cat <<EOF | sh\nbash scripts/reset.sh\nEOF\n")}, "docker/install.sh", 8)


def heredoc_script_file_control(s):
    """A here-document written to a script the deploy may run after (`> run.sh`) is read as commands."""
    gate_analyze(s, {**RESET, **deploy_script("cat > run.sh <<EOF\nbash scripts/reset.sh\nEOF\nbash run.sh\n")}, "docker/install.sh", 8)


# formbricks .github/actions/build-and-push-docker/action.yml:217: a string assignment is one word.
def string_assignment(s):
    clean(s, {WF: steps("      - run: |\n          TAGS=\"ghcr.io/${IMAGE_NAME}:${VERSION}\"\n"
                        "          TAGS=\"${TAGS}\\nghcr.io/${IMAGE_NAME}:${MAJOR}.${MINOR}\"\n"
                        "          echo \"tags=${TAGS}\" >> \"$GITHUB_OUTPUT\"\n")})


def computed_script_control(s):
    """A script run by a name the shell computes from `${DIR}` is still unknown."""
    gate_analyze(s, {WF: "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                         "      - run: bash \"${SCRIPTS_DIR}/migrate.sh\"\n"}, WF, 7)


# Class E: `yarn set version` writes yarnPath and the release under .yarn/releases/.
RELEASE = ".yarn/releases/yarn-4.5.0.cjs"
YARNRC = "nodeLinker: node-modules\n\nyarnPath: " + RELEASE + "\n"
YARN_BIN = "#!/usr/bin/env node\n/* yarn 4.5.0 */\nmodule.exports = {};\n"


def yarn_release(s):
    """The checked-in release is an assumption printed as a note, not an unknown."""
    clean(s, {".yarnrc.yml": YARNRC, RELEASE: YARN_BIN})
    proc, _ = analyze(s)
    check(".yarnrc.yml:3 (yarnPath): assumed " + RELEASE + " is Yarn" in proc.stderr, f"the assumption is printed: {proc.stderr[-600:]}")


def yarn_outside_control(s):
    """A yarnPath outside .yarn/releases/ (any script of the repository) stays unknown."""
    gate_analyze(s, {".yarnrc.yml": "yarnPath: scripts/yarn.cjs\n", "scripts/yarn.cjs": YARN_BIN}, ".yarnrc.yml", 1)


def yarn_escape_control(s):
    """A path that climbs out of .yarn/releases/ stays unknown."""
    gate_analyze(s, {".yarnrc.yml": "yarnPath: .yarn/releases/../../tools/yarn.cjs\n", "tools/yarn.cjs": YARN_BIN}, ".yarnrc.yml", 1)


def yarn_missing_control(s):
    """A release that is not in the repository (one the build puts there) stays unknown."""
    gate_analyze(s, {".yarnrc.yml": YARNRC}, ".yarnrc.yml", 3)


def yarn_link_control(s):
    """A release that is a link (to any file) stays unknown."""
    pull_request(s, {".yarnrc.yml": YARNRC, "tools/yarn.cjs": YARN_BIN}, KNEX)
    os.makedirs(os.path.join(s.repo, ".yarn", "releases"), exist_ok=True)
    os.symlink("../../tools/yarn.cjs", os.path.join(s.repo, RELEASE))
    proc, found = analyze(s)
    check(proc.returncode == 1 and any(f["rule"] == "unknown-statement" and f["path"] == ".yarnrc.yml" and f["line"] == 3 for f in found),
          f"analyze: unknown at .yarnrc.yml:3: {proc.returncode} {found}")


def pr_needs_person(s, head, base, path):
    pull_request(s, head, base)
    s.start_double()
    pr = s.run_pr(*GATE, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(pr.returncode == 1, f"pr fails: exit {pr.returncode}\n{pr.stderr[-800:]}")
    s.all_requests_valid()
    with open(os.path.join(s.tmp, "pr.sarif")) as f:
        sarif = json.load(f)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    check(path in uris, f"pr: a finding at {path}: {uris}")


def yarn_pr_path_control(s):
    """A pull request that points yarnPath at another release it adds needs a person (a changed yarn can run anything)."""
    other = ".yarn/releases/yarn-4.6.0.cjs"
    pr_needs_person(s, {".yarnrc.yml": YARNRC.replace(RELEASE, other), other: YARN_BIN + "require('child_process');\n"},
                    {**KNEX, ".yarnrc.yml": YARNRC, RELEASE: YARN_BIN}, ".yarnrc.yml")


def yarn_pr_release_control(s):
    """A pull request that changes the release file yarnPath names needs a person."""
    pr_needs_person(s, {RELEASE: YARN_BIN + "require('child_process').execSync('npx knex migrate:rollback --all');\n"},
                    {**KNEX, ".yarnrc.yml": YARNRC, RELEASE: YARN_BIN}, RELEASE)


# Class C: formbricks apps/web/lib/turbo-task-cache.test.ts:22, a comment that names `prisma db push`.
PRISMA = {"prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
          "prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE t (id int);\n",
          "package.json": '{"name": "web", "dependencies": {"prisma": "5.0.0"}}\n'}
CACHE_TEST = ("// The turbo task cache settings.\n//\n//   db:push - cache: false\n"
              "//     Runs `prisma db push --accept-data-loss` - a destructive schema operation\n"
              "import { describe } from 'vitest';\n")


def comment_names_push(s):
    clean(s, {"apps/web/lib/turbo-task-cache.test.ts": CACHE_TEST}, PRISMA)


def push_command_control(s):
    """The same words in a spawned command stay unknown at their line."""
    gate_analyze(s, {"apps/web/lib/turbo-task-cache.test.ts": CACHE_TEST + "execSync('npx prisma db push');\n"},
                 "apps/web/lib/turbo-task-cache.test.ts", 6, PRISMA)


def push_shell_control(s):
    """In a shell script `//` is no comment marker pgfence passes over unless alone: `//usr/bin/prisma db push` runs."""
    gate_analyze(s, {"scripts/deploy.sh": "#!/bin/sh\n//usr/local/bin/prisma db push --accept-data-loss\n"}, "scripts/deploy.sh", 2, PRISMA)


# Red team R88b F1: sed's `e` (the s flag with any delimiter or flags before it, the command after an
# address) and awk's system() run a shell command: unknown at the line, never the program's text.
HEAD = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
DROP = 'psql \\"$DATABASE_URL\\" -c \\"DROP TABLE users\\"'


def sed_e_colon(s):
    gate_analyze(s, {WF: HEAD + "      - run: sed 's:.*:psql \"$DATABASE_URL\" -c \"DROP TABLE users\":e' VERSION\n"}, WF, 7)


def sed_e_flags(s):
    """`e` after another flag (`ge`), in a second script given as --expression=."""
    gate_analyze(s, {WF: HEAD + "      - run: sed -e 's/a/b/' --expression='s@.*@npx knex migrate:rollback --all@ge' VERSION\n"}, WF, 7)


def sed_e_command(s):
    """GNU sed's `e command` after an address, on a line of a program quoted over several lines."""
    gate_analyze(s, deploy_script("sed -n '\n  /^v/p\n  1e npx knex migrate:rollback --all\n' VERSION\n"), "docker/install.sh", 9)


def awk_system_oneline(s):
    gate_analyze(s, {WF: HEAD + "      - run: awk 'BEGIN { system(\"" + DROP + "\") }'\n"}, WF, 7)


def sed_program_text(s):
    """A sed program of labels, addresses, any delimiter and flags with no `e` or `w` is text."""
    clean(s, {WF: steps("      - run: |\n          v=$(sed -e ':a;N;$!ba;s/\\n/ /g' -e 's|x|y|2' -e '/^#/d' notes.txt)\n"
                        "          sed -i.bak 's:a:b:gI; 2,/end/{s/q/r/p}' VERSION\n")})


# Red team R88b F5: an unquoted ${IFS} splits the word; an expansion glued to a tool's name is computed.
def ifs_psql(s):
    gate_analyze(s, {WF: HEAD + "      - run: psql${IFS}\"$DATABASE_URL\"${IFS}-c${IFS}\"DROP TABLE users\"\n"}, WF, 7)


def ifs_prisma_push(s):
    gate_analyze(s, {WF: HEAD + "      - run: npx prisma${IFS}db push --accept-data-loss\n"}, WF, 7, PRISMA)


def pgbin_psql(s):
    gate_analyze(s, {WF: HEAD + "      - run: ${PGBIN}psql \"$DATABASE_URL\" -c \"DROP TABLE users\"\n"}, WF, 7)


# Red team R88b F6: a "comment" the shell runs. `//` is a command in a shell (a folder: it fails, so
# `||` runs what follows); `#` after a backslash-newline or inside an open quote starts no comment.
def slash_line_push(s):
    gate_analyze(s, {WF: HEAD + "      - run: |\n          // || npx prisma db push --accept-data-loss\n"}, WF, 8, PRISMA)


def continued_hash_push(s):
    gate_analyze(s, {WF: HEAD + "      - run: |\n          echo \"syncing the schema\"\\\n          # ; npx prisma db push --accept-data-loss\n"},
                 WF, 9, PRISMA)


def quoted_hash_push(s):
    gate_analyze(s, {"scripts/deploy.sh": "#!/bin/sh\necho \"syncing\n#\"; npx prisma db push --accept-data-loss\n",
                     WF: HEAD + "      - run: sh scripts/deploy.sh\n"}, "scripts/deploy.sh", 3, PRISMA)


def template_slash_push(s):
    """In JavaScript a `//` line inside a template literal is the string's text: here a shell line."""
    gate_analyze(s, {"scripts/sync.ts": "import { execSync } from 'child_process';\nexecSync(`echo syncing\n// || npx prisma db push`);\n"},
                 "scripts/sync.ts", 3, PRISMA)


SCENARIOS = {f.__name__: f for f in (
    comment_names_push, push_command_control, push_shell_control, npx_scoped_package, scoped_folder_script_control,
    yarn_release, yarn_outside_control, yarn_escape_control, yarn_missing_control, yarn_link_control, yarn_pr_path_control,
    yarn_pr_release_control,
    sed_alternation, sed_pipe_control, awk_program, awk_system_control, heredoc_to_file, heredoc_bash_control, heredoc_pipe_control,
    heredoc_script_file_control, string_assignment, computed_script_control,
    sed_e_colon, sed_e_flags, sed_e_command, awk_system_oneline, sed_program_text, ifs_psql, ifs_prisma_push, pgbin_psql,
    slash_line_push, continued_hash_push, quoted_hash_push, template_slash_push)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
