#pragma once
// The outcome of tracing a migration: per statement, a verdict on the static analysis
// (confirmed, mismatch, trace-only, static-only, error) with what the server really did.
// Plain data for the renderers (terminal, JSON, and the bot's check run and comment).
#include <optional>
#include <string>
#include <vector>

#include "analyze/facts.hpp"
#include "trace/catalog_diff.hpp"
#include "trace/compare.hpp"

namespace pgfence::trace {

enum class Verdict {
    Confirmed,   // every predicted lock and rewrite happened, and nothing else
    Mismatch,    // a prediction did not hold (another mode, a lock not taken, ...)
    TraceOnly,   // every prediction held, but the server did more (a lock or rewrite not predicted)
    StaticOnly,  // nothing a trace can check: only policy findings, or not executed (BEGIN, COMMIT)
    Error,       // the server rejected the statement; the message is PostgreSQL's
    Skipped,     // not run, because an earlier statement of the file failed
    // Refused for lack of privilege: repository SQL runs as a role that is not a superuser
    // (no COPY ... PROGRAM, server files, untrusted languages or extensions). Not a failure.
    NeedsSuperuser,
};

// "confirmed", "mismatch", "trace-only", "static-only", "error", "skipped", "needs-superuser".
[[nodiscard]] std::string_view verdict_name(Verdict verdict);

struct TracedStatement {
    int index = 0;  // into the file's statements (the static report's order)
    analyze::Position start;
    std::string sql;
    analyze::StatementFacts predicted;  // the facts compared (the analyzer given the same history as the server)
    analyze::Risk static_risk = analyze::Risk::None;  // the static analysis' risk (its findings)
    std::vector<std::string> findings;                // rule ids of its findings
    Verdict verdict = Verdict::Confirmed;
    analyze::Risk risk = analyze::Risk::None;  // see judge()
    bool executed = false;
    bool outside_transaction = false;  // the server refused it in a transaction block: run in autocommit
    Comparison comparison;
    std::vector<SchemaChange> changes;
    std::string error;     // PostgreSQL's message, for Error and NeedsSuperuser
    std::string sqlstate;  // for Error and NeedsSuperuser
    std::string note;      // why it was not executed, or skipped
};

struct TracedFile {
    std::string path;
    std::optional<analyze::Error> error;  // the file could not be read or parsed
    analyze::FileReport report;           // the static analysis of the file on its own
    std::vector<TracedStatement> statements;
};

struct TraceReport {
    std::string server_version;  // "15.10"
    std::vector<std::string> setup;  // files loaded first
    std::vector<TracedFile> files;
    double seconds = 0;  // server start included
    [[nodiscard]] int count(Verdict verdict) const;
    // With --ci: a mismatch or a statement the server rejected.
    [[nodiscard]] bool failed() const { return count(Verdict::Mismatch) > 0 || count(Verdict::Error) > 0; }
};

// The risk a lock in `mode` on an existing relation deserves: ACCESS EXCLUSIVE high (blocks
// reads), SHARE to EXCLUSIVE medium (block writes), SHARE UPDATE EXCLUSIVE low, weaker none.
[[nodiscard]] analyze::Risk lock_risk(analyze::LockMode mode);

// Sets the verdict and risk of an executed statement from its comparison. A mismatch's risk
// is the higher of the static one and the observed one; a trace-only one gets what its
// unpredicted locks and rewrites deserve (a rewrite: high).
void judge(TracedStatement& statement);

}  // namespace pgfence::trace
