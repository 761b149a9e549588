"""Shell forms that hide the program from a reader of a command's words (red team R88c F2, F9, F10;
issue #53: unknown is never clean). Each hostile scenario runs psql (or a command) through a form
the shell resolves -- a `${...}` of any operator or a `$(which psql)` as the program, a function,
alias or array holding psql, `"$@"` to psql, quote removal, a process substitution, a python/perl/
ruby/node one-liner, a GitHub expression at a command's head, a sed or awk program in a file -- and
`analyze --ci --unknown block` must fail with an unknown at that line. The controls keep ordinary
forms (`$(git rev-parse HEAD)`, `"$@"` to eslint, `${{ matrix.node }}` and `${{ secrets.X }}` as
arguments, a sed program file that only edits text, a python one-liner that prints) clean.

    test_shell_forms89.py SCENARIO --binary B --double tests/github_double/server.py --schemas DIR --sarif-schema F
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pr"))
from pr_test import main  # noqa: E402
from test_deploy_commands import clean, gate_analyze  # noqa: E402

WF = ".github/workflows/ci.yml"
HEAD = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
DROP = '"$DATABASE_URL" -c "DROP TABLE users"'


def one(s, command):
    """The step `- run: COMMAND` at line 7 is unknown."""
    gate_analyze(s, {WF: HEAD + "      - run: " + command + "\n"}, WF, 7)


def block(s, lines, line):
    """A `run: |` step of `lines` (from line 8): unknown at `line`."""
    gate_analyze(s, {WF: HEAD + "      - run: |\n" + "".join("          " + x + "\n" for x in lines)}, WF, line)


def clean_block(s, lines):
    clean(s, {WF: HEAD + "      - run: |\n" + "".join("          " + x + "\n" for x in lines)})


# F10: the program is computed by the shell.
def computed_which(s):
    one(s, "$(which psql) " + DROP)


def computed_command_v(s):
    one(s, '"$(command -v psql)" ' + DROP)


def computed_backquote(s):
    one(s, "`which psql` " + DROP)


def computed_default(s):
    one(s, "${PGBIN:-}psql " + DROP)


def computed_alternate(s):
    one(s, "${PGBIN:+$PGBIN/}psql " + DROP)


def computed_quoted_default(s):
    one(s, '"${PGBIN:-}psql" ' + DROP)


# F2: forms that hold psql out of the command word.
def function_call(s):
    """The call of a function whose body passes its arguments to psql is unknown at the call."""
    block(s, ["run_sql() {", '  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 "$@"', "}", 'run_sql -c "DROP TABLE users"'], 11)


def psql_spread_args(s):
    """psql given `"$@"` in a script: the SQL arrives through the script's arguments."""
    gate_analyze(s, {"scripts/sql.sh": '#!/bin/sh\nexec psql "$DATABASE_URL" "$@"\n',
                     WF: HEAD + "      - run: sh scripts/sql.sh -c 'DROP TABLE users'\n"}, "scripts/sql.sh", 2)


def array_program(s):
    block(s, ['PSQL=(psql "$DATABASE_URL" -v ON_ERROR_STOP=1)', '"${PSQL[@]}" -c "DROP TABLE users"'], 9)


def quoted_program(s):
    one(s, 'p"s"ql ' + DROP)


def alias_call(s):
    block(s, ["shopt -s expand_aliases; alias sql='psql \"$DATABASE_URL\"'", 'sql -c "DROP TABLE users"'], 9)


def process_substitution(s):
    one(s, 'echo "DROP TABLE users;" > >(psql "$DATABASE_URL")')


def python_system(s):
    one(s, "python3 -c 'import os; os.system(\"psql \\\"$DATABASE_URL\\\" -c \\\"DROP TABLE users\\\"\")'")


def python_multiline(s):
    """A python -c program quoted over several lines of a script: the line that calls os.system is unknown."""
    script = "#!/bin/sh\npython3 -c '\nimport os\nos.system(\"ps\" + \"ql \\\"$DATABASE_URL\\\" -c \\\"DROP TABLE users\\\"\")\n'\n"
    gate_analyze(s, {"scripts/check.sh": script, WF: HEAD + "      - run: sh scripts/check.sh\n"}, "scripts/check.sh", 4)


def perl_system(s):
    one(s, "perl -e 'system(q{psql \"$DATABASE_URL\" -c \"DROP TABLE users\"})'")


def ruby_backquote(s):
    one(s, "ruby -e 'puts `psql #{ENV[\"DATABASE_URL\"]} -c \"DROP TABLE users\"`'")


def node_exec(s):
    """The client's name built from parts: the call of execSync is what says a command runs."""
    one(s, "node -e 'require(\"child_process\").execSync(\"ps\" + \"ql \" + process.env.DATABASE_URL + \" -c \\\"DROP TABLE users\\\"\")'")


# F9: a GitHub expression the runner substitutes before the shell runs, at a command's head.
def github_format(s):
    one(s, "${{ format('ps{0}', 'ql') }} " + DROP)


def github_quoted(s):
    """A YAML-quoted `run:` value is the shell's text without its quotes: the expression is still the program."""
    one(s, "\"${{ format('ps{0}', 'ql') }} $DATABASE_URL -c 'DROP TABLE users'\"")


def github_join(s):
    one(s, "${{ join(fromJSON('[\"psql\", \"-c\", \"DROP TABLE users\"]'), ' ') }} \"$DATABASE_URL\"")


def github_glued(s):
    block(s, ["echo start", "ps${{ inputs.tail }} " + DROP], 9)


# sed -f / awk -f: the program in a file.
def sed_file_e(s):
    gate_analyze(s, {"scripts/tag.sed": "s/.*/psql \"$DATABASE_URL\" -c 'DROP TABLE users'/e\n",
                     WF: HEAD + "      - run: sed -f scripts/tag.sed VERSION\n"}, WF, 7)


def awk_file_system(s):
    gate_analyze(s, {"scripts/run.awk": "BEGIN { system(\"npx knex migrate:rollback --all\") }\n",
                     WF: HEAD + "      - run: awk -f scripts/run.awk VERSION\n"}, WF, 7)


def sed_file_outside(s):
    """A program file that is not the repository's: what it runs is not known."""
    one(s, "sed -f \"$RUNNER_TEMP/tag.sed\" VERSION")


# Controls: ordinary forms stay clean.
def control_substitutions(s):
    clean_block(s, ['docker build -t "app:$(git rev-parse HEAD)" .', 'echo "sha=$(git rev-parse --short HEAD)" >> "$GITHUB_OUTPUT"',
                    "${CC:-gcc} -o hello hello.c", 'TAG="${REF#refs/tags/}"'])


def control_args_to_other(s):
    clean_block(s, ['lint() {', '  npx eslint "$@"', '}', 'lint src', 'CMD=(npx eslint --max-warnings 0)', '"${CMD[@]}" src',
                    'psql "$DATABASE_URL" -v "ids=${IDS[*]}" -c "SELECT 1"'])


def control_github_arguments(s):
    clean(s, {WF: HEAD + "      - run: npm test -- --node ${{ matrix.node }}\n"
                         "      - run: echo ${{ secrets.REGISTRY_TOKEN }} | docker login ghcr.io -u ${{ github.actor }} --password-stdin\n"
                         # A YAML-quoted run: runs its first word, yarn (medusa's docs-test.yml:84, review 89).
                         "      - run: \"yarn check:pr-files-count ${{ github.ref_name }}\"\n"
                         "      - run: 'echo ${{ github.sha }}'\n"
                         "      - uses: actions/github-script@v7\n        with:\n          result-encoding: string\n"
                         "      - uses: softprops/action-gh-release@v2\n        with:\n          body: |\n"
                         "            ${{ steps.notes.outputs.text }}\n"})


def control_one_liners(s):
    clean_block(s, ["python3 -c 'import json,sys; print(json.load(sys.stdin)[\"version\"])' < package.json",
                    "node -e \"console.log(require('./package.json').version)\"", "perl -pi -e 's/a/b/' VERSION"])


def control_sed_file_text(s):
    clean(s, {"scripts/fix.sed": "s/a/b/g\n/^#/d\n", WF: HEAD + "      - run: sed -i -f scripts/fix.sed VERSION\n"})


SCENARIOS = {f.__name__: f for f in (
    computed_which, computed_command_v, computed_backquote, computed_default, computed_alternate, computed_quoted_default,
    function_call, psql_spread_args, array_program, quoted_program, alias_call, process_substitution,
    python_system, python_multiline, perl_system, ruby_backquote, node_exec, github_format, github_quoted, github_join, github_glued,
    sed_file_e, awk_file_system, sed_file_outside,
    control_substitutions, control_args_to_other, control_github_arguments, control_one_liners, control_sed_file_text)}

if __name__ == "__main__":
    sys.exit(main(SCENARIOS))
