#pragma once
// Runs conformance cases on a throwaway server: the schema is loaded once into a template
// database; each case runs on a clean copy of it and is compared with the model, twice:
// Mode::SameFile analyses schema.sql, the context and the statement as one migration;
// Mode::History replays schema.sql and the context as earlier migrations (analyze::Replay, as
// `pgfence analyze --history` does) and analyses the statement alone, against relations that
// exist rather than ones the file created.
#include <memory>
#include <optional>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/model/facts.hpp"
#include "tests/conformance/case_file.hpp"
#include "trace/compare.hpp"
#include "trace/pg_instance.hpp"

namespace pgfence::tests::conformance {

enum class Mode { SameFile, History };

struct CaseResult {
    trace::Comparison verdict;                   // Mode::SameFile
    std::optional<trace::Comparison> history;    // Mode::History; none for a same-file-only case
    std::optional<trace::Observation> observation;  // what the server did, when it ran
    bool outside_transaction = false;               // observed in autocommit (refused in a block)
    std::optional<std::string> error;  // the case could not be run (server error, bad SQL)
    [[nodiscard]] bool ok() const { return !error && verdict.ok() && (!history || history->ok()); }
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
    // Facts of the case's last statement, analysed in `mode`.
    [[nodiscard]] analyze::StatementFacts predict(const Case& c, Mode mode) const;
    [[nodiscard]] analyze::Result<trace::Observation> observe(const Case& c, bool& outside_transaction);
    [[nodiscard]] trace::Status clone(const std::string& db);
    void drop(const std::string& db);

    trace::PgInstance& m_instance;
    std::string m_schema;
    analyze::AnalyzeOptions m_options;                       // the server's version, no rules
    std::shared_ptr<const analyze::Catalog> m_schema_history;  // schema.sql replayed, once
    std::optional<trace::Connection> m_admin;
    std::optional<trace::Connection> m_session;   // on the shared work database, new for each case
    std::optional<trace::Connection> m_observer;
    int m_clones = 0;
    int m_server_major = 0;
};

}  // namespace pgfence::tests::conformance
