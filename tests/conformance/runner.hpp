#pragma once
// Runs conformance cases on a throwaway server: the schema is loaded once into a template
// database; each case runs on a clean copy of it and is compared with the model.
#include <memory>
#include <optional>
#include <string>

#include "analyze/facts.hpp"
#include "tests/conformance/case_file.hpp"
#include "trace/compare.hpp"
#include "trace/pg_instance.hpp"

namespace pgfence::tests::conformance {

struct CaseResult {
    trace::Comparison verdict;
    std::optional<trace::Observation> observation;  // what the server did, when it ran
    bool outside_transaction = false;               // observed in autocommit (refused in a block)
    std::optional<std::string> error;  // the case could not be run (server error, bad SQL)
    [[nodiscard]] bool ok() const { return !error && verdict.ok(); }
};

class Runner {
public:
    // Starts nothing: call prepare() first.
    Runner(trace::PgInstance& instance, std::string schema_sql);

    // Creates the template database with the schema and the shared work database, and reads
    // the server's version.
    [[nodiscard]] trace::Status prepare();
    [[nodiscard]] CaseResult run(const Case& c);
    // The server's major version (server_version_num / 10000), known after prepare().
    [[nodiscard]] int server_major() const { return m_server_major; }

private:
    // Facts of the case's last statement, analysed after the schema as one migration.
    [[nodiscard]] analyze::StatementFacts predict(const Case& c) const;
    [[nodiscard]] analyze::Result<trace::Observation> observe(const Case& c, bool& outside_transaction);
    [[nodiscard]] trace::Status clone(const std::string& db);
    void drop(const std::string& db);

    trace::PgInstance& m_instance;
    std::string m_schema;
    std::optional<trace::Connection> m_admin;
    std::optional<trace::Connection> m_session;   // on the shared work database, new for each case
    std::optional<trace::Connection> m_observer;
    int m_clones = 0;
    int m_server_major = 0;
};

}  // namespace pgfence::tests::conformance
