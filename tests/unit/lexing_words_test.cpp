// lexing_change finds the names it looks for in any letter case, as PostgreSQL folds them
// (parse/lexing_settings.cpp words_in, which reads them as the lowered text shows them).
#include <catch2/catch.hpp>

#include <string>

#include "analyze/parse/lexing_settings.hpp"
#include "analyze/parse/pg_parser.hpp"

using namespace pgfence::analyze;

namespace {
LexingChange of(const std::string& sql) {
    ParsedStatement parsed = parse_statement(sql);
    REQUIRE_FALSE(parsed.failure);
    return lexing_change(parsed.stmt, sql);
}
}  // namespace

TEST_CASE("lexing_change: names in any case and at the ends of the text") {
    LexingChange column = of("ALTER TABLE t ADD COLUMN Client_Encoding text");
    CHECK(column.changes);
    CHECK(column.setting == "client_encoding");
    LexingChange first = of("COMMENT ON TABLE t IS 'STANDARD_CONFORMING_STRINGS and client_encoding'");
    CHECK(first.setting == "standard_conforming_strings");  // the first looked for, wherever it is
    CHECK(of("COMMENT ON TABLE t IS 'Standard_Conforming_String'").setting.empty());  // one letter short
    CHECK(of("COMMENT ON TABLE t IS 'tandard_conforming_strings'").setting.empty());
    LexingChange settings = of("UPDATE Pg_Settings SET setting = 'x'");
    CHECK(settings.maybe);
    CHECK(settings.unnamed_setting);
    CHECK_FALSE(of("SELECT * FROM Pg_Settings").maybe);
    // A set_config the tree does not show (in a comment) is one more than the calls counted.
    CHECK(of("SELECT 1 /* Set_Config */").unnamed_setting);
    CHECK_FALSE(of("SELECT set_config('a.b', 'c', false)").maybe);
    CHECK_FALSE(of("SELECT 1 /* set_confi */").maybe);
    CHECK(of("DO $$ BEGIN EXECUTE 'select 1' || U&\"d\\0061t\"; END $$").maybe);
    CHECK_FALSE(of("DO $$ BEGIN PERFORM 1 & 2; END $$").maybe);
}
