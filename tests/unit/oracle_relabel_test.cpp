// The plan oracle's end-state comparison (trace/oracle_state.cpp): a sequence's values are labels,
// renamed to the original's where the rows pair one to one on their other columns, with the
// foreign keys pointing at them; any other difference is still one.
#include <catch2/catch.hpp>

#include "trace/plan_oracle.hpp"

using namespace pgfence::trace;

namespace {

// regime(id serial, code) and day(id serial, regime_id -> regime.id, name).
EndState state(std::vector<std::vector<std::string>> regimes, std::vector<std::vector<std::string>> days) {
    EndState s;
    TableRows regime{{"code", "id"}, std::move(regimes)};
    TableRows day{{"id", "name", "regime_id"}, std::move(days)};
    std::sort(regime.rows.begin(), regime.rows.end());
    std::sort(day.rows.begin(), day.rows.end());
    s.tables = {{"day", day}, {"regime", regime}};
    s.generated = {{"day", {"id"}}, {"regime", {"id"}}};
    s.references = {{{"day", "regime_id"}, {"regime", "id"}}};
    return s;
}

}  // namespace

TEST_CASE("oracle: generated keys drawn in another order are the same end state") {
    // The original inserted the traffic's row first (id 1), the migration's after (2); the plan
    // the other way round. The migration's day row points at the migration's regime either way.
    EndState original = state({{"Vtraffic", "V1"}, {"Vmigration", "V2"}}, {{"V1", "Vmonday", "V2"}, {"V2", "Vtuesday", "V1"}});
    EndState plan = state({{"Vtraffic", "V2"}, {"Vmigration", "V1"}}, {{"V1", "Vmonday", "V1"}, {"V2", "Vtuesday", "V2"}});
    CHECK_FALSE(first_difference(original, plan).empty());  // as dumped, the ids differ
    relabel_generated(original, plan);
    CHECK(first_difference(original, plan).empty());
}

TEST_CASE("oracle: relabelling keeps a reference that points at another row a difference") {
    // The plan's monday points at the traffic's regime, the original's at the migration's.
    EndState original = state({{"Vtraffic", "V1"}, {"Vmigration", "V2"}}, {{"V1", "Vmonday", "V2"}});
    EndState plan = state({{"Vtraffic", "V2"}, {"Vmigration", "V1"}}, {{"V1", "Vmonday", "V2"}});
    relabel_generated(original, plan);
    CHECK(first_difference(original, plan).find("regime_id") != std::string::npos);
}

TEST_CASE("oracle: relabelling needs the other columns to pair one to one") {
    // A row lost and another gained: nothing pairs, the difference stays.
    EndState original = state({{"Vtraffic", "V1"}, {"Vmigration", "V2"}}, {});
    EndState plan = state({{"Vtraffic", "V2"}, {"Vother", "V1"}}, {});
    relabel_generated(original, plan);
    CHECK_FALSE(first_difference(original, plan).empty());
    // A column that is not generated is never renamed.
    EndState a = state({{"Vtraffic", "V1"}, {"Vmigration", "V2"}}, {});
    EndState b = state({{"Vtraffic", "V2"}, {"Vmigration", "V1"}}, {});
    b.generated.erase("regime");
    relabel_generated(a, b);
    CHECK_FALSE(first_difference(a, b).empty());
}
