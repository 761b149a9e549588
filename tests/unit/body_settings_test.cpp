// Timeouts set inside bodies travel to the session state as notes (analyze/model/body_settings.hpp):
// each note reads back as what was written, and the weaker of two timeouts is the one that limits less.
#include <catch2/catch.hpp>

#include "analyze/model/body_settings.hpp"

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
