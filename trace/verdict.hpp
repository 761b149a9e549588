#pragma once
// The outcome of tracing a migration: per statement, a verdict on the static analysis
// (confirmed, mismatch, trace-only, static-only, error) with what the server really did.
// Plain data for the renderers (terminal, JSON, and the bot's check run and comment).
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
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

// One migration of a file's plan, rehearsed (trace --plan): its statements traced like a
// file's, while a writer and a reader session work on the table it touches.
struct PlanStepTrace {
    std::string title;
    std::string path;  // where the plan puts it
    analyze::PlanRun run = analyze::PlanRun::in_transaction;
    std::string outcome;  // "ran", "backfill: 3 batches", "not run: ...", "failed: ..."
    bool ok = true;
    std::string table;           // where the writer and reader worked ("" none)
    long writes = 0;             // the writer's statements that succeeded
    long reads = 0;
    double longest_wait_ms = 0;  // the longest single statement of the writer or reader
    bool wait_allowed = false;   // the step's predicted locks block writers: a long wait is expected
    std::string writer_error;    // an error the writer or reader got that the original would not cause
    std::string whole;           // traced alone a statement failed, and the step ran again in one transaction
    // An application release step (out of band): what the release must be ("be code that no
    // longer reads or writes orders_legacy, ..."); "" for any other step.
    std::string release;
};

struct TracedPlan {
    std::string path;     // the original file
    std::string summary;  // the plan's
    std::string tool;     // the file's migration tool, as the steps were run ("goose", "prisma", ...)
    std::vector<std::string> seeded;  // "orders: 200 rows added", or why none
    std::vector<PlanStepTrace> steps;
    // The oracle's verdict (docs/plans.md): "proven", "differs", "unchecked" (the original
    // itself cannot run), "declined" (the generator offers no plan: nothing ran); "" none.
    std::string verdict;
    std::string reason;                // the decline, the first difference, why unchecked
    std::vector<std::string> details;  // "differs": every difference found against one position
    int deploy = 0;                    // the new release deploys after this many steps
    int position = -1;                 // the original's position the plan was held to
    int rescued = 0;                   // "proven": writes the original refused that the plan let through
    // Every step ran and the plan does not differ from the original.
    [[nodiscard]] bool ok() const;
};

// A "proven" verdict beside a step the rehearsal shows as FAILED (issue #54: "contains null
// values" under the rehearsal's writer while the oracle's scripted traffic never met it) is not
// proven: a step the server rejected, or whose traffic got an error, makes the plan "differs";
// a step whose locks were not as predicted, or that held the traffic back, "unchecked". Either
// way the plan is withdrawn where a verdict decides (pr --trace), and the reason names the step.
void agree_with_steps(TracedPlan& plan);

struct TraceReport {
    std::string server_version;  // "15.10"
    std::vector<std::string> setup;  // files loaded first
    std::vector<TracedFile> files;   // with --plan, a plan's migrations too ("plan of F: <path>")
    std::vector<TracedPlan> plans;   // trace --plan: each file that has a plan
    double seconds = 0;  // server start included
    // Why the run stopped before its end (its run budget, --trace-budget, used up), "" when it did
    // not: a failure, whatever the verdicts of what ran.
    std::string stopped;
    [[nodiscard]] int count(Verdict verdict) const;
    // With --ci: a mismatch or a statement the server rejected.
    // With --ci: a mismatch, a statement the server rejected, or a plan whose writers were hurt.
    [[nodiscard]] bool failed() const;
};

// The risk a lock in `mode` on an existing relation deserves: ACCESS EXCLUSIVE high (blocks
// reads), SHARE to EXCLUSIVE medium (block writes), SHARE UPDATE EXCLUSIVE low, weaker none.
[[nodiscard]] analyze::Risk lock_risk(analyze::LockMode mode);

// Sets the verdict and risk of an executed statement from its comparison. A mismatch's risk
// is the higher of the static one and the observed one; a trace-only one gets what its
// unpredicted locks and rewrites deserve (a rewrite: high).
void judge(TracedStatement& statement);

}  // namespace pgfence::trace
