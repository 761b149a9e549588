"""Release configs read wrong or not found (red team R88 F1, F2, F3, S1). semantic-release 24 loads its
config with cosmiconfig 9 (JSON.parse, the yaml package), which decodes escapes, follows YAML tags,
anchors and aliases, searches .config/releaserc*, and merges `$import`; its command line's --extends
and --plugins load more. On 36c1dfba each of these ran `knex migrate:rollback --all` with 0 unknown;
a pure rename into a settings name, and S1's rename away from one (a crash), were not reviewed.

    test_release_configs.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import check, git, main, write  # noqa: E402
from test_deploy_commands import GATE, KNEX, analyze, clean, gate_analyze, gate_both, workflow  # noqa: E402

WF = ".github/workflows/ci.yml"
RELEASE_WF = workflow("npx knex migrate:latest", "npx semantic-release")  # line 8 runs semantic-release
ROLLBACK = "npx knex migrate:rollback --all"
BASE = {**KNEX, WF: RELEASE_WF}
# .releaserc.json as the base holds it; each scenario adds one line before successCmd (line 6).
RC_LINES = ['{', '  "branches": ["main"],', '  "plugins": [', '    "@semantic-release/commit-analyzer",', '    ["@semantic-release/exec", {',
            '      "successCmd": "echo released"', '    }]', '  ]', '}']


def rc_with(line):
    return "\n".join(RC_LINES[:5] + [line] + RC_LINES[5:]) + "\n"


def escaped(s, name, head_text, base_text, pr_line, base=None):
    """The pull request adds one line to an existing release config: analyze fails with an unknown at
    the workflow's semantic-release line, pr with a finding at the config's line."""
    gate_both(s, {name: head_text}, WF, 8, base={**(base or BASE), name: base_text}, pr_at=(name, pr_line))


# F1: escapes decoded as JSON.parse and the yaml package decode them.
def release_json_key_escape(s):
    escaped(s, ".releaserc.json", rc_with(f'      "prepare\\u0043md": "{ROLLBACK}",'), rc_with('      "verifyConditionsCmd": "true",'), 6)


def release_json_value_escape(s):
    escaped(s, ".releaserc.json", rc_with('      "prepareCmd": "npx kne\\u0078 migrate:rollback --all",'), rc_with('      "verifyConditionsCmd": "true",'), 6)


def release_json_key_split(s):
    """JSON allows a line break between a key and its `:`: JSON.parse still reads prepareCmd."""
    escaped(s, ".releaserc.json", rc_with(f'      "prepareCmd"\n        : "{ROLLBACK}",'), rc_with('      "verifyConditionsCmd": "true",'), 6)


def release_yaml_key_escape(s):
    base = "branches: [main]\nplugins:\n  - \"@semantic-release/commit-analyzer\"\n  - - \"@semantic-release/exec\"\n    - successCmd: \"echo released\"\n"
    escaped(s, ".releaserc.yml", base + f'      "prepare\\x43md": "{ROLLBACK}"\n', base, 6)


def release_yaml_alias(s):
    """An alias of an anchor set on a key no plugin reads: the yaml package gives prepareCmd its value."""
    base = "branches: [main]\nplugins:\n  - \"@semantic-release/commit-analyzer\"\n  - - \"@semantic-release/exec\"\n    - successCmd: \"echo released\"\n"
    head = f'x-note: &down "{ROLLBACK}"\n' + base + "      prepareCmd: *down\n"
    escaped(s, ".releaserc.yml", head, base, 7)


def release_it_hook_escape(s):
    base = {**KNEX, WF: workflow("npx knex migrate:latest", "npx release-it --ci")}
    escaped(s, ".release-it.json", '{\n  "hooks": {\n    "before:init": "npm test",\n    "\\u0061fter:bump": "' + ROLLBACK + '"\n  }\n}\n',
            '{\n  "hooks": {\n    "before:init": "npm test"\n  }\n}\n', 4, base=base)


def release_it_hook_after_list(s):
    """A hook after a list on the same line (the line reader stopped at the list's `]`)."""
    base = {**KNEX, WF: workflow("npx knex migrate:latest", "npx release-it --ci")}
    escaped(s, ".release-it.json", '{"hooks": {"before:init": ["npm test"], "after:bump": "' + ROLLBACK + '"}}\n',
            '{"hooks": {"before:init": ["npm test"]}}\n', 1, base=base)
    _, found = analyze(s)
    check(any(f["line"] == 8 and "after:bump" in f["message"] and "migrate:rollback" in f["message"] for f in found), f"after:bump is read: {found}")


def control_release_escapes_clean(s):
    """A plain config with the escapes real ones hold (`\\n` in @semantic-release/git's message, `\\"`): clean."""
    rc = {"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", ["@semantic-release/exec", {"successCmd": 'echo "released"'}],
                                            ["@semantic-release/git", {"message": "chore(release): ${nextRelease.version} [skip ci]\n\n${nextRelease.notes}"}]]}
    yml = "branches:\n  - main\n  - name: beta\n    prerelease: true\nplugins:\n  - '@semantic-release/commit-analyzer'\n  - - '@semantic-release/exec'\n" \
          "    - successCmd: echo don't panic, it's released\n"
    clean(s, {".releaserc.json": json.dumps(rc, indent=2) + "\n", "packages/a/.releaserc.yml": yml,
              "packages/a/package.json": '{"name": "a", "scripts": {"release": "semantic-release"}}\n'}, BASE)


# F2: the places cosmiconfig searches, `$import`, and the command line.
EXEC_RC = json.dumps({"branches": ["main"], "plugins": ["@semantic-release/commit-analyzer", ["@semantic-release/exec", {"prepareCmd": ROLLBACK}]]},
                     indent=2) + "\n"  # prepareCmd on line 10


def release_dotconfig(s):
    gate_both(s, {".config/releaserc.json": EXEC_RC}, WF, 8, base=BASE, pr_at=(".config/releaserc.json", 10))


def release_import(s):
    head = {".releaserc.json": '{\n  "$import": "ci/release-steps.json",\n  "branches": ["main"]\n}\n', "ci/release-steps.json": EXEC_RC}
    gate_both(s, head, WF, 8, base={**BASE, ".releaserc.json": '{\n  "branches": ["main"]\n}\n'}, pr_at=(".releaserc.json", 2))


def release_cli_extends(s):
    head = {WF: workflow("npx knex migrate:latest", "npx semantic-release --extends ./ci/release.json"), "ci/release.json": EXEC_RC}
    gate_both(s, head, WF, 8, base=BASE)
    _, found = analyze(s)
    check(any(f["line"] == 8 and "ci/release.json" in f["message"] and "prepareCmd" in f["message"] for f in found),
          f"the unknown names ci/release.json's prepareCmd: {found}")


def release_cli_options(s):
    """-p loads a plugin; an option semantic-release does not declare is passed to every plugin."""
    head = {WF: workflow("npx knex migrate:latest", "npx semantic-release -p ./scripts/rel.js", "npx semantic-release --prepare-cmd ./scripts/down.sh"),
            "scripts/rel.js": "exports.prepare = () => {};\n", "scripts/down.sh": "#!/bin/sh\n" + ROLLBACK + "\n"}
    gate_analyze(s, head, WF, 8, base=BASE)
    _, found = analyze(s)
    for line, word in ((8, "-p"), (9, "--prepare-cmd")):
        check(any(f["rule"] == "unknown-statement" and f["line"] == line and word in f["message"] for f in found), f"unknown at {line}: {found}")


def control_release_cli_clean(s):
    """Options that load nothing (--dry-run, -b, --no-ci) and --extends to a harmless local config: clean."""
    ok = json.dumps({"plugins": ["@semantic-release/commit-analyzer", ["@semantic-release/exec", {"prepareCmd": "npm run build"}]]}) + "\n"
    clean(s, {WF: workflow("npx knex migrate:latest", "npx semantic-release --dry-run -b main beta --no-ci", "npx semantic-release -e ./ci/ok.json"),
              "ci/ok.json": ok, ".config/releaserc.yml": "branches: [main]\n"}, BASE)


# F3 and S1: renames.
def renamed(s, base, moves):
    """main holds `base`; the pull request only renames (git mv) each of `moves`."""
    os.makedirs(s.repo)
    git(s.repo, "init", "-q", "-b", "main")
    for path, text in {"README.md": "app\n", **base}.items():
        write(os.path.join(s.repo, path), text)
    git(s.repo, "add", "-A")
    git(s.repo, "commit", "-qm", "base")
    s.base = git(s.repo, "rev-parse", "HEAD")
    git(s.repo, "checkout", "-qb", "feature")
    for old, new in moves:
        os.makedirs(os.path.dirname(os.path.join(s.repo, new)), exist_ok=True)
        git(s.repo, "mv", old, new)
    git(s.repo, "commit", "-qm", "feature")
    s.head = git(s.repo, "rev-parse", "HEAD")
    s.write_event()
    s.start_double()
    pr = s.run_pr(*GATE, "--sarif", os.path.join(s.tmp, "pr.sarif"))
    check(pr.returncode != 2 and "internal error" not in pr.stderr, f"pr reviews the pull request: exit {pr.returncode}\n{pr.stderr[-800:]}")
    if pr.returncode != 0:
        s.all_requests_valid()
        with open(os.path.join(s.tmp, "pr.sarif")) as f:
            results = f.read()
    else:
        results = ""
    return pr, results


def pr_rename_into_releaserc(s):
    pr, sarif = renamed(s, {**BASE, "docs/releaserc.example.json": EXEC_RC}, [("docs/releaserc.example.json", ".releaserc.json")])
    check(pr.returncode == 1 and '"uri": ".releaserc.json"' in sarif.replace('":"', '": "'), f"pr fails at .releaserc.json: {pr.returncode}\n{sarif[-1500:]}")


def pr_rename_into_env(s):
    pr, sarif = renamed(s, {**BASE, ".env.example": "DBMATE_MIGRATIONS_DIR=./db/other\n"}, [(".env.example", ".env")])
    check(pr.returncode == 1 and '"uri": ".env"' in sarif.replace('":"', '": "'), f"pr fails at .env: {pr.returncode}\n{sarif[-1500:]}")


def pr_rename_into_workflow(s):
    """A YAML file kept under docs/ moved, same name, into .github/workflows: the runner now runs it."""
    pr, sarif = renamed(s, {**BASE, "docs/deploy.yml": workflow(ROLLBACK)}, [("docs/deploy.yml", ".github/workflows/deploy.yml")])
    check(pr.returncode == 1 and '"uri": ".github/workflows/deploy.yml"' in sarif.replace('":"', '": "'),
          f"pr fails at the workflow: {pr.returncode}\n{sarif[-1500:]}")


def pr_rename_releaserc_away(s):
    """S1: the release config moved to a name no tool reads: pr reviews it (it was a crash)."""
    renamed(s, {**BASE, ".releaserc.json": EXEC_RC}, [(".releaserc.json", "d/other.json")])


def control_pr_rename_unrelated(s):
    pr, _ = renamed(s, {**BASE, ".releaserc.json": EXEC_RC.replace(ROLLBACK, "npm run build"), "notes.md": "n\n"}, [("notes.md", "docs/notes.md")])
    check(pr.returncode == 0, f"pr passes: exit {pr.returncode}\n{pr.stderr[-800:]}")


SCENARIOS = {
    "release_json_key_escape": release_json_key_escape,
    "release_json_value_escape": release_json_value_escape,
    "release_json_key_split": release_json_key_split,
    "release_yaml_key_escape": release_yaml_key_escape,
    "release_yaml_alias": release_yaml_alias,
    "release_it_hook_escape": release_it_hook_escape,
    "release_it_hook_after_list": release_it_hook_after_list,
    "control_release_escapes_clean": control_release_escapes_clean,
    "release_dotconfig": release_dotconfig,
    "release_import": release_import,
    "release_cli_extends": release_cli_extends,
    "release_cli_options": release_cli_options,
    "control_release_cli_clean": control_release_cli_clean,
    "pr_rename_into_releaserc": pr_rename_into_releaserc,
    "pr_rename_into_env": pr_rename_into_env,
    "pr_rename_into_workflow": pr_rename_into_workflow,
    "pr_rename_releaserc_away": pr_rename_releaserc_away,
    "control_pr_rename_unrelated": control_pr_rename_unrelated,
}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
