#pragma once
// `pgfence trace`'s engine: runs migration files statement by statement on a throwaway
// server and holds each statement to what the analyzer predicts for it.
//  - A statement runs in a transaction held open while a second connection reads its locks
//    from pg_locks, then commits (so the next statement sees its effect). One the server
//    refuses in a transaction block runs in autocommit while other sessions make it wait,
//    visibly, at each lock it takes (trace::Contention, planned from its predicted locks).
//  - Before and after: pg_class.relfilenode (rewrites), columns, constraints, indexes.
//  - Files run in order on one database after the setup SQL, each on a new session (so no
//    setting or cached state carries over), or each on its own copy of the setup database.
//  - Repository SQL runs as the instance's migration role, which owns those databases; what
//    it may not do gets the verdict needs-superuser. pgfence's own reads use the superuser.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"
#include "trace/pg_instance.hpp"
#include "trace/verdict.hpp"

namespace pgfence::trace {

struct SetupFile {
    std::string path;  // for messages
    std::string text;
};

struct TraceOptions {
    analyze::AnalyzeOptions analyze;  // the static analysis (rules on); predictions use the same version
    bool isolated = false;            // each file on a fresh copy of the setup database
    // Repository SQL (setup files and migrations) runs as the server's superuser instead of
    // the migration role: for trusted repositories only (COPY ... PROGRAM runs commands).
    bool as_superuser = false;
    // The longest one statement of the repository's SQL may run before pgfence cancels it
    // (a migration cannot lift it: the client cancels, not statement_timeout).
    std::chrono::seconds statement_limit{300};
    // Tests only: alters each prediction before it is compared (a deliberately wrong model).
    std::function<void(analyze::StatementFacts&)> tamper;
};

class Tracer {
public:
    Tracer(PgInstance& instance, TraceOptions options);

    // Creates the database and loads the setup files into it, in order. The error names the
    // file and carries PostgreSQL's message.
    [[nodiscard]] Status prepare(const std::vector<SetupFile>& setup);
    // Reads, analyses and traces one migration file after the ones traced before it.
    [[nodiscard]] TracedFile trace_file(const std::string& path);
    // trace --plan: the file's migration plan (analysed with the history run so far) run in its
    // place, step by step: rows added first to the existing tables it touches, each migration
    // traced like a file while a writer (UPDATE, INSERT) and a reader work on its table, each
    // out-of-band backfill run batch by batch. Its migrations' TracedFiles go to `files`. A file
    // without a plan is traced as it is (into `files`), and the result has no steps.
    // Then the plan oracle (trace/plan_oracle.hpp) holds the plan to the file on copies of the
    // seeded database, with `later` (the files traced after this one) applied after both runs.
    // A declined plan runs nothing of its own: the file is traced as it is.
    [[nodiscard]] TracedPlan trace_plan(const std::string& path, std::vector<TracedFile>& files,
                                        const std::vector<std::string>& later = {});
    // "15.10"
    [[nodiscard]] const std::string& server_version() const { return m_server_version; }

private:
    struct Target {
        std::string db;
        Connection& session;
        Connection& observer;
        // The file runs outside any transaction block as its tool runs it (one statement sent
        // alone, plain SQL): a DO block or CALL that COMMITs runs there, as it would.
        bool alone = false;
    };
    [[nodiscard]] std::vector<analyze::StatementFacts> predict(const analyze::FileReport& alone) const;
    // How repository SQL connects: the migration role, or the superuser with as_superuser.
    [[nodiscard]] std::string sql_conninfo(const std::string& db) const;
    // pgfence's own sessions (observer, contention) in the database the repository's SQL runs in.
    [[nodiscard]] std::string watch_conninfo(const std::string& db) const;
    [[nodiscard]] std::string owner_clause() const;  // " OWNER <migration role>" unless as_superuser
    [[nodiscard]] bool refused_for_privilege(TracedStatement& statement, const std::string& message,
                                             const std::string& sqlstate) const;
    void run(Target& target, TracedStatement& statement);
    // What the file's migration tool runs on the database before it, outside the file:
    // TypeORM's PostgreSQL driver creates the uuid-ossp extension when it connects (for
    // entities with generated uuid columns), so TypeORM files that call uuid_generate_v4()
    // find it there.
    void tool_runtime(const analyze::FileReport& report);
    // Why the file, run as its tool runs it on a copy of database `from`, fails ("" when it runs).
    [[nodiscard]] std::string original_fails(const analyze::FileReport& report, const std::string& from);
    // Runs the file on database `db` itself as its tool does (plan_oracle.hpp: run_file): why it
    // failed, "" when all ran.
    [[nodiscard]] std::string run_original(const analyze::FileReport& report, const std::string& db);
    // Plan rehearsal pieces (plan_rehearsal.cpp).
    [[nodiscard]] std::vector<std::string> seed_rows(const std::string& table, const std::set<std::string>& never_null);
    // The existing columns ("<table oid>.<quoted name>") the file makes NOT NULL or puts under a
    // new CHECK, from the catalog of a copy of database `from` it ran on; nullopt when it does not
    // run there.
    [[nodiscard]] std::optional<std::set<std::string>> made_not_null(const analyze::FileReport& report, const std::string& from);
    // A database name of pgfence's own for `what`, with this run's random tag: repository SQL
    // cannot name it in advance (ALTER DATABASE pgfence_base ...).
    [[nodiscard]] std::string database_name(const std::string& what);
    void prove(const analyze::FileReport& report, const std::vector<std::string>& later, const std::string& base,
               TracedPlan& out);
    void backfill(const analyze::PlanStep& step, PlanStepTrace& out);
    // `schema`: the history and the plan's earlier steps, replayed; the step is added to it.
    void rehearse_step(const analyze::PlanStep& step, const std::string& file, analyze::Replay& schema,
                       PlanStepTrace& out, std::vector<TracedFile>& files, const std::string& original);
    void run_autocommit(Target& target, TracedStatement& statement);
    // A step traced statement by statement that failed, run again on database `db` (a copy from
    // before it) as its tool runs it: every statement in one transaction, with the traffic on
    // `table`. Whether all ran; `why` gets the traced failure.
    [[nodiscard]] bool run_whole(const TracedFile& traced, const std::string& db, const std::string& table, bool removes,
                                 std::string& why);

    PgInstance& m_instance;
    TraceOptions m_options;
    // The old release's INSERT per table (regclass text) for the plan being rehearsed: its
    // writers' rows (made_not_null derives them from the file's end state).
    std::map<std::string, std::string> m_writer_inserts;
    // The writers' statements (templates) each table refuses before the plan's first step.
    std::map<std::string, std::set<std::string>> m_writer_refused;
    long m_writer_number = 200;  // the rehearsal writers' next row number
    std::optional<Connection> m_admin;
    std::string m_server_version;
    std::string m_base_db;
    std::string m_history;  // SQL the server has run, for the analyzer's predictions
    int m_copies = 0;
    std::string m_tag;  // random, per run: in every database name (database_name)
};

}  // namespace pgfence::trace
