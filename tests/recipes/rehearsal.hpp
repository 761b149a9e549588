#pragma once
// Rehearses a rule's recipe on a throwaway server: the rule's finding for the case's
// statement, then every recipe step executed in order on a fresh copy of the database with
// data, each statement's locks and rewrites held to the analyzer's prediction for it, then
// the final schema checked against what the original statement meant to do.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "tests/recipes/cases.hpp"
#include "trace/pg_instance.hpp"

namespace pgfence::tests::recipes {

struct Outcome {
    std::vector<std::string> problems;  // empty: the recipe works as the analyzer says
    std::vector<std::string> notes;     // worth reading, not failures (gaps of a step read alone)
    std::vector<std::string> log;       // per statement: predicted and observed (for --verbose)
    int steps = 0;
    int statements = 0;
    [[nodiscard]] bool ok() const { return problems.empty(); }
};

class Rehearsal {
public:
    explicit Rehearsal(trace::PgInstance& instance) : m_instance(instance) {}

    // Creates the template database and loads `schema_sql` (schema and data) into it.
    [[nodiscard]] trace::Status prepare(const std::string& schema_sql);
    [[nodiscard]] Outcome run(const RecipeCase& c);

private:
    trace::PgInstance& m_instance;
    std::string m_schema;
    std::shared_ptr<const analyze::Catalog> m_history;  // schema.sql, as the original statement's history
    std::optional<trace::Connection> m_admin;
    int m_copies = 0;
};

}  // namespace pgfence::tests::recipes
