// sed scripts and awk programs read by their grammar (red team R88b F1, F5).

#include <catch2/catch.hpp>

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
