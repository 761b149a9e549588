// trace --plan: a file's migration plan run on the throwaway server in the file's place, with
// rows in the tables it touches and a writer and a reader working on them meanwhile.
#include <algorithm>
#include <atomic>
#include <optional>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analyze/base/safe_write.hpp"
#include "analyze/history.hpp"
#include "analyze/plan/plan.hpp"
#include "trace/plan_oracle.hpp"
#include "trace/temporary_folder.hpp"
#include "trace/tracer.hpp"

namespace pgfence::trace {

// The rows: line of a table the file touches that holds no row once every table is seeded.
constexpr const char* k_no_rows = "holds no row once seeded";
// The start of the reason of a plan whose file fails on the seeded rows (it presumes its tables empty).
constexpr const char* k_fails_on_rows = "the migration fails on a table with rows";
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Errors an application's own write can get whatever the migration does: a duplicate, a
// foreign key or a value the generated row did not fill, a deadlock, a cancellation.
// With `removes` (the step drops or renames the table, or drops or renames a column of it, as the
// original does), that the table or column is gone too (teable's clean_useless_tables: the
// writer on a table the step drops failed, and the step read FAILED beside a proven verdict; the
// oracle's traffic compares such failures with the original's).
bool expected_error(const std::string& sqlstate, bool removes) {
    return sqlstate.rfind("23", 0) == 0 || sqlstate.rfind("40", 0) == 0 || sqlstate == "57014" || sqlstate == "55P03" ||
           (removes && (sqlstate == "42P01" || sqlstate == "42703"));
}

// What a rehearsal's writer on `table` runs: an UPDATE that rewrites one row as it is, and an
// INSERT of a new row as the old release writes it ({g}: its number), as the oracle's traffic
// does (`inserts`: per table, from the file's end state). A copy of an existing row repeated the
// key a step makes unique (crates.io's unique_num: the step failed on the writer's duplicate
// while the oracle proved the plan). `table`: the table as the catalog names it.
struct WriterStatements {
    std::string table, touch, insert;
};
WriterStatements writer_statements(Connection& c, const std::string& written, const std::map<std::string, std::string>& inserts) {
    WriterStatements out;
    auto name = c.query("SELECT $1::regclass::text", {written});
    if (!name || name->rows() != 1) return out;
    out.table = name->value(0, 0);
    auto known = inserts.find(out.table);
    out.insert = known != inserts.end() ? known->second : application_insert(c, nullptr, out.table);
    // Only while the table has rows: a step that needs it empty (ADD COLUMN ... NOT NULL without
    // a default) is rehearsed on it as the history left it, which the file presumes the
    // application does not write to.
    // (A plain INSERT, without ON CONFLICT, where a unique index is checked at commit.)
    const std::string suffix = " ON CONFLICT DO NOTHING";
    if (!out.insert.empty() && out.insert.find(" DEFAULT VALUES") == std::string::npos) {
        out.insert.insert(out.insert.size() - (out.insert.ends_with(suffix) ? suffix.size() : 0),
                          " WHERE EXISTS (SELECT 1 FROM " + out.table + ")");
    }
    auto first = c.query("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
                         "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum LIMIT 1",
                         {out.table});
    if (first && first->rows() > 0) {
        const std::string column = first->value(0, 0);
        out.touch = "UPDATE " + out.table + " SET " + column + " = " + column + " WHERE ctid = (SELECT ctid FROM " + out.table + " LIMIT 1)";
    }
    return out;
}

// A writer and a reader on one table while a step runs, on connections of their own.
class Traffic {
public:
    // `inserts`: the old release's INSERT per table (by its regclass text), from the file's end
    // state; a table without one gets an INSERT from its own columns.
    Traffic(const std::string& conninfo, std::string table, bool removes, const std::map<std::string, std::string>& inserts,
            const std::map<std::string, std::set<std::string>>& refused, long& number)
        : m_conninfo(conninfo), m_table(std::move(table)), m_removes(removes), m_inserts(inserts), m_refused(refused), m_number(number) {}
    void start() {
        m_thread = std::thread([this] { loop(); });
    }
    void stop(PlanStepTrace& out) {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        out.writes = m_writes;
        out.reads = m_reads;
        out.longest_wait_ms = m_longest_ms;
        if (out.writer_error.empty()) out.writer_error = m_error;
    }

private:
    void loop() {
        auto writer = Connection::open(m_conninfo);
        if (!writer) {
            m_error = "the writer cannot connect: " + writer.error().message;
            return;
        }
        writer->set_time_limit(std::chrono::seconds(120));
        auto timed = [&](const std::string& sql, long& count) {
            auto begin = Clock::now();
            auto r = writer->query(sql);
            double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
            if (ms > m_longest_ms) m_longest_ms = ms;
            if (r) {
                ++count;
            } else if (!expected_error(writer->last_sqlstate(), m_removes) && m_error.empty()) {
                // On one line: the server's message has its LINE and caret lines after a newline.
                m_error = sql.substr(0, 60) + "...: " + r.error().message;
                for (char& ch : m_error) ch = (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
            }
        };
        const WriterStatements w = writer_statements(*writer, m_table, m_inserts);
        std::string touch = w.touch, insert = w.insert;
        // A write refused before the plan's first step (a trigger of the history's that refuses
        // the row it touches: hatchet's prevent_internal_name_or_slug) is the application's own
        // failure, not the plan's: it is left out.
        if (auto refused = m_refused.find(w.table); refused != m_refused.end()) {
            if (refused->second.count(touch) > 0) touch.clear();
            if (refused->second.count(insert) > 0) insert.clear();
        }
        const std::string read = "SELECT count(*) FROM (SELECT 1 FROM " + m_table + " LIMIT 100) s";
        long& number = m_number;
        while (!m_stop) {
            if (!touch.empty()) timed(touch, m_writes);
            if (!insert.empty()) timed(with_counter(insert, ++number), m_writes);
            timed(read, m_reads);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    std::string m_conninfo;
    std::string m_table;
    bool m_removes = false;
    const std::map<std::string, std::string>& m_inserts;
    const std::map<std::string, std::set<std::string>>& m_refused;
    // The next row's number, for the whole rehearsal: a row a step writes never repeats one an
    // earlier step wrote (a key a later step makes unique), and stays small, as the seeded rows'
    // values are (a CHECK (qty < 5000) the file validates: the red team's writer rows from
    // 10001 up made the VALIDATE step fail beside a proven verdict).
    long& m_number;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    long m_writes = 0;
    long m_reads = 0;
    double m_longest_ms = 0;
    std::string m_error;
};

// What an application release step of a plan asks of the release, for the verdict's label
// (proof_scope.hpp); "" for a step that is no release.
std::string release_instruction(const analyze::PlanStep& step) {
    if (step.title.find("application release") == std::string::npos) return "";
    constexpr std::string_view stops = "no longer reads or writes ";
    if (std::size_t at = step.sql.find(stops); at != std::string::npos) {
        std::size_t end = step.sql.find('\n', at);
        std::string what = step.sql.substr(at + stops.size(), end == std::string::npos ? std::string::npos : end - at - stops.size());
        while (!what.empty() && (what.back() == ',' || what.back() == ' ' || what.back() == '\r')) what.pop_back();
        return "be code that no longer reads or writes " + what + ", with no instance of the old code still running";
    }
    return "be deployed as the plan's step \"" + step.title + "\" says";
}

// The UPDATE or DELETE an out-of-band step gives as comments ("-- UPDATE ..." to the line
// ending in ';'), or "".
std::string commented_batch(const std::string& sql) {
    std::istringstream in(sql);
    std::string line, out;
    bool inside = false;
    while (std::getline(in, line)) {
        std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line.compare(start, 2, "--") != 0) {
            inside = false;
            continue;
        }
        std::string text = line.substr(start + 2);
        if (!text.empty() && text[0] == ' ') text.erase(0, 1);
        if (!inside && !text.starts_with("UPDATE ") && !text.starts_with("DELETE ") && !text.starts_with("WITH ")) continue;
        inside = true;
        out += (out.empty() ? "" : "\n") + text;
        if (!text.empty() && text.back() == ';') break;
    }
    return !out.empty() && out.back() == ';' ? out : std::string();
}

// A migration file's statements as the oracle runs them, and whether its tool runs it inside
// one transaction (wrapped, or sent as one query).
std::vector<OracleStatement> oracle_statements(const analyze::FileReport& report) {
    std::vector<OracleStatement> out;
    out.reserve(report.statements.size());
    for (const auto& s : report.statements) out.push_back({s.sql, std::string(s.kind)});
    return out;
}
bool in_tool_transaction(const analyze::FileReport& report) { return report.wrapped_in_transaction || report.one_query; }

// The existing tables a plan's file touches, in the order first locked.
std::vector<std::string> touched_tables(const analyze::FileReport& report) {
    std::vector<std::string> out;
    for (const auto& s : report.statements) {
        for (const auto& l : s.locks) {
            if (l.kind != "table" || l.is_new) continue;
            if (std::find(out.begin(), out.end(), l.relation) == out.end()) out.push_back(l.relation);
        }
    }
    return out;
}

// A connection for a step's own statements, with the statement time limit; none, with the step
// failed saying why, when the server cannot be reached.
std::optional<Connection> open_for_step(const std::string& conninfo, std::chrono::seconds limit, PlanStepTrace& out) {
    auto c = Connection::open(conninfo);
    if (!c) {
        out.ok = false;
        out.outcome = "failed: cannot connect: " + c.error().message;
        return std::nullopt;
    }
    c->set_time_limit(limit);
    return std::move(*c);
}

}  // namespace

std::vector<std::string> Tracer::seed_rows(const std::string& table, const std::set<std::string>& never_null) {
    auto c = Connection::open(sql_conninfo(m_base_db));
    if (!c) return {table + ": no rows added (cannot connect: " + c.error().message + ")"};
    c->set_time_limit(m_options.statement_limit);
    return seed_deterministic(*c, table, 200, true, never_null);
}

std::optional<std::set<std::string>> Tracer::made_not_null(const analyze::FileReport& report, const std::string& from) {
    // Per existing column ("<table oid>.<attnum>"): its name, whether it is NOT NULL, and the
    // CHECK constraints over it. Oids and attnums survive the file's renames and the copies.
    const std::string query =
        "SELECT a.attrelid::text || '.' || a.attnum, a.attrelid::text || '.' || quote_ident(a.attname), a.attnotnull,"
        " coalesce((SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), ';' ORDER BY k.conname) FROM pg_constraint k"
        " WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)), '')"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
    struct Column {
        std::string name;
        bool not_null = false;
        std::string checks;
    };
    auto read = [&](const std::string& db) -> std::optional<std::map<std::string, Column>> {
        auto c = Connection::open(watch_conninfo(db));
        if (!c) return std::nullopt;
        c->set_time_limit(m_options.statement_limit);
        auto r = c->query(query);
        if (!r) return std::nullopt;
        std::map<std::string, Column> out;
        for (int i = 0; i < r->rows(); ++i) out[r->value(i, 0)] = {r->value(i, 1), r->value(i, 2) == "t", r->value(i, 3)};
        return out;
    };
    const std::string probe = database_name("probe");
    if (!m_admin->execute("CREATE DATABASE " + probe + " TEMPLATE " + from + owner_clause())) return std::nullopt;
    auto before = read(probe);
    bool ran = run_original(report, probe).empty();
    // The rehearsal's writers write what the oracle's old release does: rows the file's new
    // foreign keys accept.
    m_writer_inserts.clear();
    if (ran) {
        auto was = Connection::open(sql_conninfo(from));
        auto now = Connection::open(sql_conninfo(probe));
        for (const auto& table : was && now ? touched_tables(report) : std::vector<std::string>{}) {
            auto name = was->query("SELECT $1::regclass::text", {table});
            if (!name || name->rows() != 1) continue;
            std::string insert = application_insert(*was, &*now, name->value(0, 0));
            if (!insert.empty()) m_writer_inserts[name->value(0, 0)] = std::move(insert);
        }
    }
    std::set<std::string> out;
    if (auto after = ran && before ? read(probe) : std::nullopt) {
        for (const auto& [id, column] : *before) {
            auto it = after->find(id);
            if (it == after->end()) continue;
            if ((it->second.not_null && !column.not_null) || it->second.checks != column.checks) out.insert(column.name);
        }
    }
    (void)m_admin->execute("DROP DATABASE IF EXISTS " + probe + " WITH (FORCE)");
    if (!ran) return std::nullopt;
    return out;
}

std::string Tracer::run_original(const analyze::FileReport& report, const std::string& db) {
    auto c = Connection::open(sql_conninfo(db));
    if (!c) return "cannot connect: " + c.error().message;
    c->set_time_limit(m_options.statement_limit);
    return run_file(*c, oracle_statements(report), in_tool_transaction(report));
}

std::string Tracer::original_fails(const analyze::FileReport& report, const std::string& from) {
    const std::string probe = database_name("probe");
    if (!m_admin->execute("CREATE DATABASE " + probe + " TEMPLATE " + from + owner_clause())) return "cannot copy the database";
    std::string why = run_original(report, probe);
    (void)m_admin->execute("DROP DATABASE IF EXISTS " + probe + " WITH (FORCE)");
    return why;
}

void Tracer::prove(const analyze::FileReport& report, const std::vector<std::string>& later, const std::string& base,
                   TracedPlan& out) {
    OracleServer server;
    const std::string owner = owner_clause();
    server.copy = [&](const std::string& db) { return m_admin->execute("CREATE DATABASE " + db + " TEMPLATE " + base + owner); };
    server.drop = [&](const std::string& db) { (void)m_admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"); };
    server.conninfo = [&](const std::string& db) { return sql_conninfo(db); };
    server.observer_conninfo = [&](const std::string& db) { return watch_conninfo(db); };
    server.statement_limit = m_options.statement_limit;
    server.identity = [&](const std::string& db) {
        return database_identity(*m_admin, db);
    };
    server.base = base;
    OracleInput input;
    input.original = oracle_statements(report);
    input.original_in_transaction = in_tool_transaction(report);
    input.steps = report.plan->steps;
    input.tables = touched_tables(report);
    for (const auto& path : later) {
        analyze::FileReport next = analyze::analyze_file(path, m_options.analyze);
        if (next.error) break;
        input.later.push_back(oracle_statements(next));
        input.later_in_transaction.push_back(in_tool_transaction(next));
    }
    input.prefix = base;
    OracleVerdict v = run_plan_oracle(server, input);
    out.verdict = v.verdict;
    out.reason = v.reason;
    out.details = v.details;
    out.deploy = v.deploy;
    out.position = v.position;
    out.rescued = v.rescued;
}

void Tracer::backfill(const analyze::PlanStep& step, PlanStepTrace& out) {
    // The plan's keyset walk (analyze/plan_walk.hpp): one DO block that commits each batch, run
    // as it is, alone and outside a transaction block, as the plan tells a person to.
    if (step.sql.find("DO $pgfence_walk$") != std::string::npos) {
        auto c = open_for_step(sql_conninfo(m_base_db), m_options.statement_limit, out);
        if (!c) return;
        auto r = c->query(step.sql);
        if (!r) {
            out.ok = false;
            out.outcome = "failed: the backfill walk: " + r.error().message;
            return;
        }
        out.outcome = "backfill: the keyset walk ran, one transaction per batch";
        return;
    }
    std::string batch = commented_batch(step.sql);
    if (batch.empty()) {
        out.outcome = "out of band: nothing to run (advice only)";
        return;
    }
    // "<value>" is the user's: the rehearsal fills it with a value of the column's type.
    std::size_t at = batch.find("<value>");
    if (at != std::string::npos) {
        std::size_t set = batch.find(" SET ");
        std::size_t eq = batch.find(" = ", set);
        std::string table = set == std::string::npos ? "" : batch.substr(7, set - 7);
        std::string column = eq == std::string::npos ? "" : batch.substr(set + 5, eq - set - 5);
        auto c = Connection::open(watch_conninfo(m_base_db));
        std::string value = "NULL";
        if (c) {
            auto r = c->query(
                "SELECT CASE WHEN t.typtype = 'e' THEN format('(enum_range(NULL::%s))[1]', format_type(a.atttypid, NULL)) "
                "WHEN t.typcategory = 'N' THEN '0' WHEN t.typcategory = 'B' THEN 'false' "
                "WHEN t.typcategory = 'D' THEN 'now()' WHEN t.typname IN ('json', 'jsonb') THEN '''{}''' "
                "WHEN t.typcategory = 'A' THEN '''{}''' ELSE '''''' END "
                "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::regclass AND a.attname = $2",
                {table, column.size() > 1 && column.front() == '"' ? column.substr(1, column.size() - 2) : column});
            if (r && r->rows() > 0) value = r->value(0, 0);
        }
        while ((at = batch.find("<value>")) != std::string::npos) batch.replace(at, 7, value);
    }
    auto c = open_for_step(sql_conninfo(m_base_db), m_options.statement_limit, out);
    if (!c) return;
    int batches = 0;
    for (; batches < 10000; ++batches) {
        auto r = c->query(batch);
        if (!r) {
            out.ok = false;
            out.outcome = "failed: the backfill batch: " + r.error().message;
            return;
        }
        if (r->command_status().ends_with(" 0")) break;
    }
    out.outcome = "backfill: " + std::to_string(batches + 1) + " batches" + (batch.find("<value>") == std::string::npos &&
                                                                              step.sql.find("<value>") != std::string::npos
                                                                          ? ", <value> filled with a value of the column's type"
                                                                          : "");
}

bool Tracer::run_whole(const TracedFile& traced, const std::string& db, const std::string& table, bool removes, std::string& why) {
    for (const auto& s : traced.statements) {
        if (s.verdict == Verdict::Error) {
            why = "it failed: " + s.error;
            break;
        }
    }
    PlanStepTrace ignored;
    std::optional<Traffic> traffic;
    if (!table.empty()) {
        traffic.emplace(sql_conninfo(db), table, removes, m_writer_inserts, m_writer_refused, m_writer_number);
        traffic->start();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    bool ran = false;
    if (auto c = Connection::open(sql_conninfo(db))) {
        c->set_time_limit(m_options.statement_limit);
        ran = static_cast<bool>(c->execute("BEGIN"));
        for (const auto& s : traced.statements) {
            if (!ran) break;
            // The step's own BEGIN and COMMIT (a plain SQL file's): this transaction is theirs.
            std::string word;
            for (char ch : s.sql) {
                if (std::isalpha(static_cast<unsigned char>(ch)) == 0) {
                    if (!word.empty()) break;
                    continue;
                }
                word += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            }
            if (word.empty() || word == "BEGIN" || word == "START" || word == "COMMIT" || word == "END") continue;
            ran = static_cast<bool>(c->query(s.sql));
        }
        ran = ran && static_cast<bool>(c->execute("COMMIT"));
        if (!ran) (void)c->execute("ROLLBACK");
    }
    if (traffic) traffic->stop(ignored);
    return ran;
}

void Tracer::rehearse_step(const analyze::PlanStep& step, const std::string& file, analyze::Replay& schema,
                           PlanStepTrace& out, std::vector<TracedFile>& files, const std::string& original) {
    // The table the writer works on: the first table the step locks that existed before it.
    analyze::AnalyzeOptions options = m_options.analyze;
    options.run_rules = false;
    options.history = schema.snapshot();
    analyze::FileReport step_only = analyze::analyze_text("step.sql", step.sql, options);
    analyze::LockMode strongest = analyze::LockMode::AccessShare;
    for (const auto& s : step_only.statements) {
        for (const auto& l : s.locks) {
            if (l.kind != "table" || l.is_new) continue;
            // The table it locks hardest: where traffic would queue.
            if (out.table.empty() || l.mode > strongest) {
                out.table = l.relation;
                strongest = l.mode;
            }
        }
    }
    // RowExclusive (the writer) conflicts with SHARE and stronger.
    out.wait_allowed = strongest >= analyze::LockMode::Share;
    bool removes = false;
    for (const auto& s : step_only.statements) {
        bool on_table = std::any_of(s.locks.begin(), s.locks.end(), [&](const analyze::LockFact& l) { return l.relation == out.table; });
        std::string upper = s.sql;
        for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        removes = removes || (on_table && (s.tag == "DROP TABLE" || upper.find("RENAME") != std::string::npos ||
                                           upper.find("DROP COLUMN") != std::string::npos));
    }
    // A step its tool runs in one transaction is traced statement by statement, each committed:
    // the traffic's writes land between its statements, which the tool's transaction (its locks
    // held to the end) does not let in (issue #54: an old-release INSERT between a DO-loop fill
    // and the SET NOT NULL of the same migration made the step fail, "contains null values",
    // beside a proven verdict). A copy taken first lets such a failure be run again as the tool
    // runs it: the step's statements in one transaction, under the same traffic.
    int statements = 0;
    for (const auto& s : step_only.statements) statements += s.kind == "TransactionStmt" ? 0 : 1;
    std::string whole_copy;
    if (step.run == analyze::PlanRun::in_transaction && statements > 1) {
        whole_copy = database_name("step");
        if (!m_admin->execute("CREATE DATABASE " + whole_copy + " TEMPLATE " + m_base_db + owner_clause())) whole_copy.clear();
    }
    std::optional<Traffic> traffic;
    if (!out.table.empty()) {
        traffic.emplace(sql_conninfo(m_base_db), out.table, removes, m_writer_inserts, m_writer_refused, m_writer_number);
        traffic->start();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    TracedFile traced = trace_file(file);
    if (traffic) traffic->stop(out);
    if (!whole_copy.empty()) {
        const bool failed = !traced.error && std::any_of(traced.statements.begin(), traced.statements.end(),
                                                         [](const TracedStatement& s) { return s.verdict == Verdict::Error; });
        std::string why;
        if (failed && run_whole(traced, whole_copy, out.table, removes, why)) {
            // The copy ran the step as its tool does: it becomes what the next steps build on.
            bool swapped = static_cast<bool>(m_admin->execute("DROP DATABASE " + m_base_db + " WITH (FORCE)")) &&
                           static_cast<bool>(m_admin->execute("ALTER DATABASE " + whole_copy + " RENAME TO " + m_base_db));
            if (swapped) {
                whole_copy.clear();
                for (auto& s : traced.statements) {
                    if (s.verdict != Verdict::Error && s.verdict != Verdict::Skipped) continue;
                    m_history += s.sql + ";\n";
                    s.note = "traced alone it failed (the traffic wrote between the step's statements, committed one by one); "
                             "the step then ran as its tool runs it, in one transaction, and this statement succeeded";
                    s.verdict = Verdict::StaticOnly;
                    s.executed = false;
                }
                out.whole = "ran again as one transaction, as its tool runs it, and succeeded (traced statement by statement, " +
                            why + ")";
            }
        }
        if (!whole_copy.empty()) (void)m_admin->execute("DROP DATABASE IF EXISTS " + whole_copy + " WITH (FORCE)");
    }
    schema.replay_schema_text("plan step", step.sql);  // what the next step starts from
    traced.path = "plan of " + original + ": " + step.path;
    int errors = 0, mismatches = 0, confirmed = 0;
    for (const auto& s : traced.statements) {
        errors += s.verdict == Verdict::Error ? 1 : 0;
        mismatches += s.verdict == Verdict::Mismatch ? 1 : 0;
        confirmed += s.verdict == Verdict::Confirmed ? 1 : 0;
    }
    if (traced.error) {
        out.ok = false;
        out.outcome = "failed: " + traced.error->message;
    } else if (!out.whole.empty()) {
        out.outcome = out.whole;
    } else if (errors > 0) {
        out.ok = false;
        std::string said;
        for (const auto& s : traced.statements) {
            if (s.verdict == Verdict::Error && !s.error.empty()) {
                said = ": " + s.error;
                break;
            }
        }
        out.outcome = "failed: the server rejected a statement of this step" + said;
    } else {
        out.outcome = "ran; " + std::to_string(confirmed) + " statements' locks as predicted" +
                      (mismatches > 0 ? ", " + std::to_string(mismatches) + " not as predicted" : std::string());
        if (mismatches > 0) out.ok = false;
    }
    constexpr double k_bound_ms = 2000;  // a writer waits this long at most behind a step that does not block it
    if (!out.wait_allowed && out.longest_wait_ms > k_bound_ms) {
        out.ok = false;
        out.outcome += "; the writer or reader waited " + std::to_string(static_cast<long>(out.longest_wait_ms)) +
                       " ms although the predicted locks let them through";
    }
    if (!out.writer_error.empty()) out.ok = false;
    files.push_back(std::move(traced));
}

TracedPlan Tracer::trace_plan(const std::string& path, std::vector<TracedFile>& files,
                              const std::vector<std::string>& later) {
    TracedPlan out;
    out.path = path;
    m_writer_inserts.clear();
    // The plan, from the file analysed after the history the server has run.
    analyze::AnalyzeOptions options = m_options.analyze;
    analyze::Replay replay(options);
    replay.replay_schema_text("trace history", m_history);
    options.history = replay.snapshot();
    analyze::FileReport report = analyze::analyze_file(path, options);
    if (report.error || !report.plan) {
        files.push_back(trace_file(path));
        return out;
    }
    tool_runtime(report);
    const analyze::Plan& plan = *report.plan;
    out.summary = plan.summary;
    out.tool = report.source_kind != "sql" ? report.source_kind : std::string(analyze::tool_name(report.tool));
    if (!plan.declined.empty()) {
        out.verdict = "declined";
        out.reason = plan.declined;
        files.push_back(trace_file(path));
        return out;
    }
    // The tables as the history left them, before the rows: what the later files run on, and
    // where a file that fails on the seeded rows (it presumes its tables empty) shows it runs.
    const std::string history_before = m_history;
    // It and the oracle's template belong to the superuser, not to the role the repository's
    // SQL runs as (which could otherwise ALTER or DROP them; their names are random too), until
    // the file runs on it.
    const std::string bare = database_name("bare");
    bool bare_copied = static_cast<bool>(m_admin->execute("CREATE DATABASE " + bare + " TEMPLATE " + m_base_db));
    auto hand_over = [&](const std::string& db) {
        return m_options.as_superuser ||
               static_cast<bool>(m_admin->execute("ALTER DATABASE " + db + " OWNER TO " + PgInstance::migration_role()));
    };
    // A step of the swaps below that fails (the repository's SQL dropped or renamed a database):
    // no verdict of this run is trusted.
    std::string broken;
    struct DropBare {
        Tracer* t;
        std::string db;
        bool made;
        ~DropBare() {
            if (made) (void)t->m_admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    } drop_bare{this, bare, bare_copied};
    // NULLs in nullable columns, but not in those the file makes NOT NULL or puts under a new
    // CHECK (a migration that does presumes them free of NULLs: with them the original itself
    // fails, and nothing is compared), read from the catalog of a copy the file ran on.
    // Whether the file runs on the tables as the history left them (none: it did not) is read
    // from the same run.
    std::optional<std::set<std::string>> on_bare;
    if (drop_bare.made) on_bare = made_not_null(report, bare);
    for (const auto& table : touched_tables(report)) {
        for (auto& line : seed_rows(table, on_bare.value_or(std::set<std::string>{}))) out.seeded.push_back(std::move(line));
    }
    // Which of the file's tables hold no row once all are seeded (a partition's refused rows may
    // have come in through its parent; rows from --setup count): said, and what the plan proves
    // there is nothing about rows (below).
    if (auto c = Connection::open(sql_conninfo(m_base_db))) {
        c->set_time_limit(m_options.statement_limit);
        for (const auto& table : touched_tables(report)) {
            // The name as the server quotes it (the repository's text never reaches the query).
            auto name = c->query("SELECT $1::regclass::text", {table});
            if (!name || name->rows() != 1) continue;
            auto rows = c->query("SELECT EXISTS (SELECT 1 FROM " + name->value(0, 0) + ")");
            if (rows && rows->rows() == 1 && rows->value(0, 0) == "f") out.seeded.push_back(name->value(0, 0) + ": " + std::string(k_no_rows));
        }
    }
    // The oracle's template: the seeded database before the rehearsal changes it.
    const std::string base = database_name("oracle");
    bool copied = static_cast<bool>(m_admin->execute("CREATE DATABASE " + base + " TEMPLATE " + m_base_db));
    // A file that fails on rows in the tables it touches but runs on them as the earlier
    // migrations left them presumes them empty (ADD COLUMN ... NOT NULL without a default, a
    // unique index over a constant). It is still rehearsed with the rows: a plan proven on empty
    // tables proves nothing of the deploy on a table in use (issue #54, outside DBA: ente's
    // `4_update_subscriptions_schema` and lemmy's `replaceable-schema` were called proven so).
    // The verdict is then never proven, and says why.
    std::string fails_on_rows;
    if (copied && drop_bare.made && on_bare) fails_on_rows = original_fails(report, base);
    // The plan's files, written where its tool's conventions see them, in a folder removed even
    // when pgfence is killed during the rehearsal (temporary_folder.hpp).
    auto made = TemporaryFolder::make("pgfence-plan-");
    if (!made) {
        PlanStepTrace failed;
        failed.ok = false;
        failed.outcome = "failed: cannot make a temporary folder";
        out.steps.push_back(failed);
        return out;
    }
    std::unique_ptr<TemporaryFolder> plan_files = std::move(*made);
    const fs::path folder(plan_files->path());
    // The plan's files are pgfence's own, in a folder it just made: the checkout confinement
    // (no link out of the repository) holds them to that folder instead.
    std::string confined = m_options.analyze.confine_to;
    m_options.analyze.confine_to = plan_files->path();
    // The plan of a sqlx migration is sqlx's wherever it is written: the temporary folder has no
    // crate around it (tools/sqlx_crate.hpp), and a step without `-- no-transaction` must run in
    // sqlx's transaction, not as plain SQL's statements one by one.
    const std::vector<std::string>* sqlx_folders = m_options.analyze.sqlx_folders;
    const std::vector<std::string> plan_folder{folder.string()};
    if (report.tool == analyze::MigrationTool::Sqlx) m_options.analyze.sqlx_folders = &plan_folder;
    auto write = [&](const std::string& rel, const std::string& text) {
        std::string relative = fs::path(analyze::plan_relative_path(rel)).generic_string();
        (void)analyze::write_file_under(folder.string(), relative, text);  // unwritten: the step fails to read it
        return (folder / relative).string();
    };
    // The writes the tables refuse before the plan's first step, each tried in a transaction
    // rolled back.
    m_writer_refused.clear();
    m_writer_number = 200;  // after the seeded rows' 1 to 200
    if (auto c = Connection::open(sql_conninfo(m_base_db))) {
        c->set_time_limit(m_options.statement_limit);
        for (const auto& table : touched_tables(report)) {
            const WriterStatements w = writer_statements(*c, table, m_writer_inserts);
            for (const std::string* sql : {&w.touch, &w.insert}) {
                if (sql->empty() || !c->execute("BEGIN")) continue;
                bool refused = !c->query(with_counter(*sql, 201)) && !expected_error(c->last_sqlstate(), false);
                (void)c->execute("ROLLBACK");
                if (refused) m_writer_refused[w.table].insert(*sql);
            }
        }
    }
    for (const auto& step : plan.steps) {
        PlanStepTrace t;
        t.title = step.title;
        t.path = step.path;
        t.run = step.run;
        if (step.run == analyze::PlanRun::out_of_band) {
            t.release = release_instruction(step);
            backfill(step, t);
            out.steps.push_back(std::move(t));
            continue;
        }
        for (const auto& [extra, text] : step.extra_files) write(extra, text);
        std::string file = write(step.path, step.file_text);
        rehearse_step(step, file, replay, t, files, path);
        bool failed = !t.ok && t.outcome.rfind("failed", 0) == 0;
        out.steps.push_back(std::move(t));
        if (failed) break;  // the steps after it build on it
    }
    m_options.analyze.confine_to = confined;
    m_options.analyze.sqlx_folders = sqlx_folders;
    plan_files.reset();
    if (copied) {
        prove(report, later, base, out);
        (void)m_admin->execute("DROP DATABASE IF EXISTS " + base + " WITH (FORCE)");
    } else {
        out.verdict = "unchecked";
        out.reason = "cannot copy the seeded database";
    }
    // The later files start from what the earlier migrations built, not from the rows and
    // traffic of this rehearsal: the file itself runs on the database as it was before them,
    // and that becomes the history (a later ADD COLUMN ... NOT NULL must not meet our rows).
    // A file that fails there too (crates.io's, before diesel's order was right: a table an
    // earlier migration makes) leaves the database as its tool's failed run does, not the
    // rehearsal's rows and the plan's steps: the later files then met our rows ("has rows
    // already", and a SET NOT NULL failed on their NULLs).
    if (drop_bare.made && hand_over(bare)) {
        const bool ran = run_original(report, bare).empty();
        bool swapped = static_cast<bool>(m_admin->execute("DROP DATABASE " + m_base_db + " WITH (FORCE)")) &&
                       static_cast<bool>(m_admin->execute("ALTER DATABASE " + bare + " RENAME TO " + m_base_db));
        if (!swapped) broken = "cannot put the database the later files run on in place";
        if (swapped) {
            drop_bare.made = false;
            m_history = history_before;
            for (const auto& st : report.statements) {
                if (ran && st.kind != "TransactionStmt") m_history += st.sql + ";\n";
            }
        }
    }
    if (!broken.empty() && (out.verdict == "proven" || out.verdict == "differs")) {
        out.verdict = "unchecked";
        out.reason = "pgfence's databases were changed during the run (" + broken + "): the verdict is not trusted";
        out.details.clear();
    }
    // A table the file touches that got none of its seeded rows (every one refused, or none
    // could be written) ran empty: the plan matched the original there without data, which
    // proves nothing of what it does to rows. (A file that fails on the seeded rows is below.)
    if (out.verdict == "proven") {
        for (const auto& line : out.seeded) {
            if (!line.ends_with(k_no_rows)) continue;
            std::string table = line.substr(0, line.size() - std::string_view(k_no_rows).size() - 2);
            out.verdict = "unchecked";
            out.reason = "the plan matched the original, but " + table + " held no rows (see rows:), so it was not run against "
                         "data there; give trace rows it accepts with --setup";
            out.details.clear();
            break;
        }
    }
    if (!fails_on_rows.empty() && (out.verdict == "proven" || out.verdict == "unchecked" || out.verdict == "differs")) {
        out.verdict = "unchecked";
        out.reason = std::string(k_fails_on_rows) + " (" + fails_on_rows + "); it runs only on the tables as the earlier "
                     "migrations left them, and a plan is proven only if it ran with rows in every table it touches";
        out.details.clear();
    }
    // TypeORM's default migrationsTransactionMode, "all" (MigrationExecutor.executePendingMigrations),
    // runs every pending migration in one transaction, each under the locks of the ones before
    // it; the rehearsal ran them one at a time, as only `--transaction each` does. trace does not
    // read the project's settings (pgfence pr does, and declines such a plan under "all"), so a
    // plan of several is never proven here (issue #54, review 90: laudspeaker's 4-migration plan
    // under "all" blocked the writer 14.4 s, longer than the original).
    const auto tool_runs = std::count_if(plan.steps.begin(), plan.steps.end(),
                                         [](const analyze::PlanStep& s) { return s.run != analyze::PlanRun::out_of_band; });
    if (report.source_kind == "typeorm" && tool_runs >= 2 && m_options.analyze.typeorm_transaction_all &&
        out.verdict == "proven") {
        out.verdict = "unchecked";
        out.reason = "unsafe as deployed: TypeORM runs every pending migration in one transaction (migrationsTransactionMode "
                     "\"all\", its default), where the plan's " + std::to_string(tool_runs) + " migrations hold each other's locks "
                     "until the last commits; they were rehearsed one at a time, as only `typeorm migration:run --transaction each` "
                     "(or migrationsTransactionMode: \"each\") runs them";
        out.details.clear();
    }
    agree_with_steps(out);
    return out;
}

}  // namespace pgfence::trace
