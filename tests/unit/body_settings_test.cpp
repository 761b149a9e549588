// Timeouts set inside bodies travel to the session state as notes (analyze/model/body_settings.hpp):
// each note reads back as what was written, and the weaker of two timeouts is the one that limits less.
#include <catch2/catch.hpp>

#include "analyze/model/attached_settings.hpp"
#include "analyze/model/body_settings.hpp"
#include "analyze/parse/pg_parser.hpp"

using namespace pgfence::analyze;

TEST_CASE("body settings: a note reads back as the setting it carries") {
    for (const BodySetting& s : {BodySetting{"lock_timeout", "0"},
                                 BodySetting{"statement_timeout", "it's, in 5min", true, BodySetting::Scope::Transaction, true},
                                 BodySetting{"lock_timeout", std::nullopt, true, BodySetting::Scope::WhileRuns},
                                 BodySetting{"lock_timeout", std::nullopt, false}}) {
        std::optional<BodySetting> read = read_body_setting_note(body_setting_note(s, "f() -> \"g, in x\"()"));
        REQUIRE(read);
        CHECK(read->name == s.name);
        CHECK(read->value == s.value);
        CHECK(read->known == s.known);
        CHECK(read->scope == s.scope);
        CHECK(read->maybe == s.maybe);
    }
    CHECK_FALSE(read_body_setting_note("calls body sets lock_timeout to '0' for the session, in f()"));
    CHECK_FALSE(read_body_setting_note("body sets search_path to 'x' for the session, in f()"));
    CHECK_FALSE(read_body_setting_note("body sets lock_timeout to '0"));
}

TEST_CASE("body settings: the weaker timeout") {
    CHECK(weaker_timeout(std::string("2s"), std::string("0")) == std::string("0"));
    CHECK(weaker_timeout(std::string("0"), std::string("2s")) == std::string("0"));
    CHECK(weaker_timeout(std::string("2s"), std::string("1min")) == std::string("1min"));
    CHECK(weaker_timeout(std::string("2s"), std::nullopt) == std::nullopt);
    CHECK(weaker_timeout(std::string("2s"), std::string("soon")) == std::nullopt);
}

TEST_CASE("body settings: set_config() kept in an expression") {
    ParsedStatement parsed = parse_statement(
        "SELECT set_config('Lock_Timeout', '1.5s', true), set_config('app.user_id', x, false), "
        "pg_catalog.set_config('statement_timeout', NULL, false), set_config(name, '0', false), "
        "other.set_config('lock_timeout', '0', false), set_config('lock_timeout', x, false)");
    REQUIRE(parsed.stmt != nullptr);
    const std::vector<std::string> names = attached_setting_names(parsed.stmt);
    REQUIRE(names.size() == 4);  // not the app setting, not another schema's function
    for (const std::string& name : names) {
        CHECK(is_attached_setting(name));
        CHECK(name.find('.') == std::string::npos);  // kept whole in a domain's "schema.function" list
    }
    std::optional<BodySetting> local = attached_setting(names[0]);
    REQUIRE(local);
    CHECK(local->name == "lock_timeout");
    CHECK(local->value == std::string("1.5s"));
    CHECK(local->known);
    CHECK(local->scope == BodySetting::Scope::Transaction);
    CHECK(local->maybe);
    std::optional<BodySetting> reset = attached_setting(names[1]);
    REQUIRE(reset);
    CHECK(reset->name == "statement_timeout");
    CHECK(reset->value == std::nullopt);
    CHECK(reset->known);
    CHECK(reset->scope == BodySetting::Scope::Session);
    CHECK_FALSE(attached_setting(names[2]));  // a name pgfence cannot fold
    std::optional<BodySetting> unread = attached_setting(names[3]);
    REQUIRE(unread);
    CHECK_FALSE(unread->known);
    CHECK_FALSE(is_attached_setting("set_config"));
    parsed = parse_statement("CREATE INDEX ON t ((a::d))");
    CHECK(restores_settings(parsed.stmt));
    parsed = parse_statement("INSERT INTO t VALUES (1)");
    CHECK_FALSE(restores_settings(parsed.stmt));
}
