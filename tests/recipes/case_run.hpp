#pragma once
// One recipe rehearsed on its own copy of the database: its steps in order, each statement
// observed and held to the analyzer's prediction, the test's hooks and checks in between.
#include <optional>
#include <set>
#include <string>

#include "analyze/facts.hpp"
#include "tests/recipes/cases.hpp"
#include "tests/recipes/predict.hpp"
#include "tests/recipes/rehearsal.hpp"
#include "trace/lock_observer.hpp"
#include "trace/pg_instance.hpp"

namespace pgfence::tests::recipes {

class CaseRun {
public:
    // `db` is a fresh copy of the template; `schema` the SQL it was made from.
    CaseRun(trace::PgInstance& instance, trace::Connection& admin, const RecipeCase& c, std::string db,
            const std::string& schema, Outcome& out);

    void run(const analyze::Recipe& recipe);

private:
    // Where statements run: the case's database, or a throwaway copy of it.
    struct Target {
        trace::Connection& session;
        trace::Connection& observer;
        std::string db;
    };
    enum class Wrap { InOpenTransaction, Own };

    [[nodiscard]] bool connect();
    [[nodiscard]] bool step(std::size_t index, const analyze::RecipeStep& s);
    [[nodiscard]] bool rehearse_alone(const std::string& where, const Prediction& p);
    [[nodiscard]] bool statement(Target& target, const std::string& where, const analyze::StatementFacts& alone,
                                 const analyze::StatementFacts& in_context, Wrap wrap, std::string* status = nullptr);
    [[nodiscard]] bool backfill(const std::string& where, const std::string& sql);
    [[nodiscard]] bool after_step(int index);
    bool expect(const Expectation& e);
    void check_storage();
    bool fail(std::string problem);

    trace::PgInstance& m_instance;
    trace::Connection& m_admin;
    const RecipeCase& m_case;
    std::string m_db;
    Outcome& m_out;
    std::string m_context;  // what ran before the current step, for predict()
    std::optional<trace::Connection> m_session;
    std::optional<trace::Connection> m_observer;
    trace::RelationSnapshot m_start;
    std::set<unsigned> m_seen_rewritten;  // tables whose new storage a statement accounted for
};

}  // namespace pgfence::tests::recipes
