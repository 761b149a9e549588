#pragma once
// One recipe rehearsed on its own copy of the database: its steps in order, each statement
// observed and held to the analyzer's prediction, the test's hooks and checks in between, and
// the application's traffic (traffic.hpp) running throughout, told what each statement's
// predicted locks let through.
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "analyze/model/facts.hpp"
#include "tests/recipes/backfill.hpp"
#include "tests/recipes/cases.hpp"
#include "tests/recipes/predict.hpp"
#include "tests/recipes/rehearsal.hpp"
#include "tests/recipes/traffic.hpp"
#include "trace/lock_observer.hpp"
#include "trace/pg_instance.hpp"

namespace pgfence::tests::recipes {

struct StatementRun;

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
    // Whether the locks predicted so far in the open transaction may hold writes or reads up.
    struct Held {
        bool writes = false;
        bool reads = false;
    };

    [[nodiscard]] bool connect();
    [[nodiscard]] bool start(const analyze::Recipe& recipe);
    [[nodiscard]] bool steps(const analyze::Recipe& recipe);
    [[nodiscard]] bool step(std::size_t index, const analyze::RecipeStep& s);
    [[nodiscard]] bool step_as_written(const std::string& where, const Prediction& p);
    [[nodiscard]] bool rehearse_alone(const std::string& where, const Prediction& p);
    // Runs `fn` on a throwaway copy of the case's database (the traffic pauses while it is
    // copied: CREATE DATABASE ... TEMPLATE needs the database to itself).
    [[nodiscard]] bool on_copy(const std::string& where, const std::function<bool(Target&)>& fn);
    [[nodiscard]] bool statement(Target& target, const std::string& where, const analyze::StatementFacts& alone,
                                 const analyze::StatementFacts& in_context, Wrap wrap, StatementRun* result = nullptr);
    [[nodiscard]] bool batch_loop(const std::string& where, const BatchLoop& loop);
    [[nodiscard]] bool after_step(int index);
    bool expect(const Expectation& e);
    void check_storage();
    void finish_traffic();
    // The traffic's phase while `label` runs, from its predicted locks (and those the open
    // transaction holds); `idle` between statements, when nothing of the recipe holds a lock.
    void enter(const std::string& label, const analyze::StatementFacts& facts, Wrap wrap);
    void idle(const std::string& label);
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
    Held m_held;
    std::unique_ptr<Traffic> m_traffic;  // last: it stops before the sessions close
};

}  // namespace pgfence::tests::recipes
