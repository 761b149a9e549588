// sed scripts and awk programs read by their grammar (red team R88b F1, F5).

#include <catch2/catch.hpp>

#include "analyze/migrations/shell_forms.hpp"
#include "analyze/migrations/text_programs.hpp"

using namespace pgfence::analyze::tools::deploy_detail;

TEST_CASE("text programs: sed's e command and s///e flag under any delimiter or flags", "[deploy]") {
    for (const char* runs : {"s:.*:psql -c x:e", "s@a@b@e", "s/x/y/ge", "s/x/y/Ie", "2e", "1e psql -c x", "s/a/b/;e", "/re/I,+2{e\n}", "$!{s|a|b|pe}", "y/a/b/;e"}) {
        INFO(runs);
        CHECK(sed_script(runs) == ProgramEffect::runs);
    }
    for (const char* text : {"s/[^a-z]/-/g", "s/^-\\|-$//g", ":a;N;$!ba;s/\\n/ /g", "s|x|y|2", "/^#/d", "s:a:b:gI; 2,/end/{s/q/r/p}", "1~2d", "0,/x/s//y/", "$!N"}) {
        INFO(text);
        CHECK(sed_script(text) == ProgramEffect::text);
    }
    for (const char* unsure : {"s/a/b/w /dev/stdout", "r /tmp/x", "W out.sh", "s/a/b/ X", "s/a/b", "k", "s/a/$V/"}) {
        INFO(unsure);
        CHECK(sed_script(unsure, '"') == ProgramEffect::unsure);
    }
    CHECK(awk_program("BEGIN { system(\"psql\") }") == ProgramEffect::runs);
    CHECK(awk_program("{ print | \"sh\" }") == ProgramEffect::runs);
    CHECK(awk_program("{ \"date\" | getline d }") == ProgramEffect::runs);
    CHECK(awk_program("BEGIN { f = \"sys\" \"tem\"; @f(\"psql\") }") == ProgramEffect::runs);
    CHECK(awk_program("/foo|bar/ { print $2 }") == ProgramEffect::unsure);
    CHECK(awk_program("!/^  minio:/ {print}") == ProgramEffect::text);
}

TEST_CASE("text programs: a computed program next to a database tool's name", "[deploy]") {
    CHECK_FALSE(computed_program_why("${PGBIN}psql \"$URL\" -c 'DROP TABLE users'").empty());
    CHECK_FALSE(computed_program_why("npx ${P}prisma db push").empty());
    CHECK_FALSE(computed_program_why("psql$V -c x").empty());
    CHECK(computed_program_why("$PGBIN/psql -f x.sql").empty());  // the program is psql, read as psql
    CHECK(computed_program_why("echo ${PGBIN}psql").empty());
    CHECK(computed_program_why("TAGS=\"${TAGS}\\nghcr.io/x\"").empty());
    CHECK_FALSE(text_program_why("sed -n 's:.*:psql:e' VERSION").empty());
    CHECK(text_program_why("sed 's/a/b/' VERSION && echo done").empty());
}

TEST_CASE("shell forms: computed program words, functions, arrays, aliases, one-liners (red team R88c F2, F9, F10)", "[deploy]") {
    // Any `${...}` operator and a command substitution naming a database tool.
    for (const char* computed : {"${PGBIN:-}psql \"$URL\" -c x", "${PGBIN:+$PGBIN/}psql -c x", "\"${PGBIN:-}psql\" -c x", "$(which psql) -c x",
                                 "\"$(command -v psql)\" -c x", "`which psql` -c x", "cd db && ${KNEX_BIN#./}knex migrate:rollback"}) {
        INFO(computed);
        CHECK_FALSE(computed_program_why(computed).empty());
    }
    for (const char* plain : {"$PGBIN/psql -f x.sql", "${PGBIN:-/usr/bin}/psql -f x.sql", "docker build -t \"app:$(git rev-parse HEAD)\" .",
                              "${CC:-gcc} -o a a.c", "TAG=\"${REF#refs/tags/}\"", "echo $(which psql)"}) {
        INFO(plain);
        CHECK(computed_program_why(plain).empty());
    }
    const ShellNames names = shell_names(
        "run_sql() {\n  psql \"$DATABASE_URL\" \"$@\"\n}\nlint() { npx eslint \"$@\"; }\nshow() {\n  psql \"$URL\" -c 'select 1'\n}\n"
        "PSQL=(psql \"$URL\")\nCMD=(npx eslint)\nalias sql='psql \"$URL\"'\n");
    CHECK(names.functions.contains("run_sql"));
    CHECK_FALSE(names.functions.contains("lint"));
    CHECK_FALSE(names.functions.contains("show"));  // its body takes no arguments: read where it stands
    CHECK(names.aliases.contains("sql"));
    CHECK_FALSE(shell_form_why("run_sql -c 'DROP TABLE users'", &names, false, false).empty());
    CHECK_FALSE(shell_form_why("\"${PSQL[@]}\" -c 'DROP TABLE users'", &names, false, false).empty());
    CHECK_FALSE(shell_form_why("\"${OTHER[@]}\" -c x", &names, false, false).empty());  // not assigned in the file
    CHECK_FALSE(shell_form_why("sql -c x", &names, false, false).empty());
    CHECK(shell_form_why("lint src && show", &names, false, false).empty());
    CHECK(shell_form_why("\"${CMD[@]}\" src", &names, false, false).empty());
    // A GitHub expression at a run line's head, not in an argument or another key's value.
    CHECK_FALSE(shell_form_why("- run: ${{ format('ps{0}', 'ql') }} -c x", &names, true, false).empty());
    CHECK_FALSE(shell_form_why("ps${{ inputs.tail }} -c x", &names, true, true).empty());
    CHECK(shell_form_why("npm test -- --node ${{ matrix.node }}", &names, true, true).empty());
    CHECK(shell_form_why("  body: ${{ steps.notes.outputs.text }}", &names, true, false).empty());
    CHECK(shell_form_why("${{ steps.notes.outputs.text }}", &names, true, false).empty());  // not a run block's line
    const ShellNames run = shell_names("steps:\n  - run: |\n      echo a\n      ${{ inputs.cmd }}\n  - name: x\n");
    CHECK(run.run_lines.at(4) != 0);
    CHECK(run.run_lines.at(5) == 0);
    // One-liners.
    CHECK_FALSE(inline_program_why("python3 -c 'import os; os.system(\"psql -c x\")'").empty());
    CHECK_FALSE(inline_program_why("perl -e 'system(q{psql})'").empty());
    CHECK_FALSE(inline_program_why("node -e 'require(\"child_process\").execSync(cmd)'").empty());
    CHECK(inline_program_why("node -e \"console.log(require('./package.json').version)\"").empty());
    CHECK(inline_program_why("perl -pi -e 's/a/b/' VERSION").empty());
    CHECK(inline_program_why("python3 scripts/system.py -c exec").empty());  // -c is the script's own
    CHECK_FALSE(inline_program_why("node -r dotenv/config -e \"require('child_process').execSync(process.env.CMD)\"").empty());
}

TEST_CASE("shell forms: ordinary one-liners and action paths stay clean", "[deploy]") {
    CHECK(inline_program_why("python3 -c 'import sys, platform; print(sys.executable, platform.system())'").empty());
    CHECK(inline_program_why("node -e 'console.log(process.execPath)'").empty());
    CHECK_FALSE(inline_program_why("python -c 'import subprocess; subprocess.run(cmd)'").empty());
    CHECK_FALSE(inline_program_why("perl -e 'exec $ENV{CMD}'").empty());
    const ShellNames none;
    CHECK_FALSE(text_program_line_why("python3", "os.system(cmd)", '\'').empty());
    CHECK(text_program_line_why("python3", "print(json.load(sys.stdin))", '\'').empty());
    CHECK(shell_form_why("- run: ${{ github.action_path }}/scripts/setup.sh", &none, true, false).empty());
    CHECK_FALSE(shell_form_why("- run: ${{ github.action_path }}/${{ inputs.tool }}", &none, true, false).empty());
}
