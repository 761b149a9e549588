// The plan oracle's runs and verdict (plan_oracle.hpp, docs/plans.md).
#include "trace/plan_oracle.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "analyze/analyzer.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::trace {
namespace {

struct Outcome {
    int position = 0;
    std::string sql;
    bool ok = true;
    std::string sqlstate;
    std::string message;
    std::vector<std::string> returned;  // the values its RETURNING gave, as the end state writes them ("V<text>")
};


std::string one_line(std::string text, std::size_t limit = 160) {
    for (char& c : text) c = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (text.size() > limit) text = text.substr(0, limit) + "...";
    return text;
}

std::string server_message(std::string m) {
    for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
        if (m.starts_with(prefix)) m = m.substr(std::string(prefix).size());
    }
    return one_line(m);
}

// The statements of `sql` as the analyzer splits them; unparsable text is one statement.
std::vector<OracleStatement> split(const std::string& sql) {
    analyze::AnalyzeOptions options;
    options.run_rules = false;
    analyze::FileReport r = analyze::analyze_text("step.sql", sql, options);
    std::vector<OracleStatement> out;
    if (r.error) return {{sql, ""}};
    for (const auto& s : r.statements) out.push_back({s.sql, std::string(s.kind)});
    return out;
}

// The columns (quoted as the catalog quotes them) the UPDATEs of `file` set, of any table; none
// (nullopt) when the file may fill a column some other way the oracle does not follow: an upsert,
// a DELETE of the rows holding NULLs, a data-modifying WITH, a DO block, a function or
// procedure call, a trigger (red team: INSERT ... ON CONFLICT DO UPDATE filled users.email, the
// traffic wrote no NULL there, and a plan whose VALIDATE fails on one was proven).
std::optional<std::set<std::string>> updated_columns(const std::vector<OracleStatement>& file) {
    static const std::set<std::string> k_no_rows = {
        "AlterTableStmt", "IndexStmt", "CreateStmt", "CommentStmt", "VariableSetStmt", "TransactionStmt", "DropStmt",
        "RenameStmt", "CreateSeqStmt", "AlterSeqStmt", "CreateEnumStmt", "AlterEnumStmt", "GrantStmt", "ViewStmt",
        "CreateSchemaStmt", "AlterObjectSchemaStmt", "AlterOwnerStmt", "CompositeTypeStmt", "CreateExtensionStmt",
        "VariableShowStmt", "LockStmt"};
    std::set<std::string> out;
    for (const auto& statement : file) {
        if (k_no_rows.count(statement.kind) > 0) continue;
        analyze::ParsedStatement parsed = analyze::parse_statement(statement.sql);
        if (const auto* insert = analyze::pg::as<InsertStmt>(parsed.stmt);
            insert != nullptr && insert->onConflictClause == nullptr && insert->withClause == nullptr) {
            continue;  // new rows only
        }
        const auto* update = analyze::pg::as<UpdateStmt>(parsed.stmt);
        if (update == nullptr || update->withClause != nullptr) return std::nullopt;
        for (const ResTarget* target : analyze::pg::each<ResTarget>(update->targetList)) {
            if (target->name != nullptr) out.insert(analyze::quote_ident(target->name));
        }
    }
    return out;
}

// A ":name" outside comments, strings and "::" casts: a client-side placeholder, or "".
std::string placeholder(const std::string& sql) {
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql.compare(i, 2, "--") == 0) {
            i = sql.find('\n', i);
            if (i == std::string::npos) return "";
        } else if (sql[i] == '\'' || sql[i] == '"') {
            i = sql.find(sql[i], i + 1);
            if (i == std::string::npos) return "";
        } else if (sql[i] == ':' && (i == 0 || sql[i - 1] != ':') && i + 1 < sql.size() &&
                   (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_')) {
            std::size_t end = i + 1;
            while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
            return sql.substr(i, end - i);
        }
    }
    return "";
}

bool only_comments(const std::string& sql) {
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql.compare(i, 2, "--") == 0) {
            i = sql.find('\n', i);
            if (i == std::string::npos) return true;
        } else if (!std::isspace(static_cast<unsigned char>(sql[i])) && sql[i] != ';') {
            return false;
        }
    }
    return true;
}

// Each statement in autocommit, as trace runs a file; the first error, or "".
std::string run_each(Connection& c, const std::vector<OracleStatement>& statements) {
    for (const auto& s : statements) {
        if (s.kind == "TransactionStmt") continue;
        if (auto r = c.query(s.sql); !r) return one_line(s.sql, 80) + ": " + server_message(r.error().message);
    }
    return "";
}

}  // namespace

// A migration file as its tool runs it: inside one transaction when the tool wraps it, and its
// own BEGIN, COMMIT and SAVEPOINTs as they are (PostgreSQL decides what a COMMIT inside the
// tool's transaction does, as it does for the tool). LOCK TABLE needs the transaction; a
// deferred constraint fails at the COMMIT.
std::string run_file(Connection& c, const std::vector<OracleStatement>& statements, bool in_transaction) {
    if (in_transaction) {
        if (auto r = c.query("BEGIN"); !r) return "BEGIN: " + server_message(r.error().message);
    }
    for (const auto& s : statements) {
        if (auto r = c.query(s.sql); !r) {
            (void)c.query("ROLLBACK");
            return one_line(s.sql, 80) + ": " + server_message(r.error().message);
        }
    }
    if (in_transaction) {
        if (auto r = c.query("COMMIT"); !r) return "COMMIT: " + server_message(r.error().message);
    }
    return "";
}

namespace {

// The settings a session's own SETs left on it (SET LOCAL ones end with their transaction).
// A tool runs its next migrations on that connection, so they inherit them.
using SessionSettings = std::map<std::string, std::string>;
SessionSettings session_settings(Connection& c) {
    SessionSettings out;
    if (auto r = c.query("SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE source = 'session' ORDER BY name")) {
        for (int i = 0; i < r->rows(); ++i) out[r->value(i, 0)] = r->value(i, 1);
    }
    return out;
}

// What a step leaves on its connection that the original does not: a session's lock_timeout
// would make the tool's next migration (a CREATE INDEX CONCURRENTLY) give up where it waited.
void check_left(Connection& c, const std::string& name, const SessionSettings& original, bool last, std::vector<std::string>& problems) {
    const SessionSettings left = session_settings(c);
    for (const auto& [setting, value] : left) {
        auto it = original.find(setting);
        if (it != original.end() && it->second == value) continue;
        problems.push_back(name + " leaves " + setting + " = " + value + " on its connection, where the original leaves " +
                           (it == original.end() ? std::string("it as it was") : it->second) +
                           ": the tool's next migrations on that connection inherit it");
    }
    // After the last step the repository's next migration runs: what the original leaves for it
    // (a lock_timeout of its own), the plan leaves too.
    if (!last) return;
    for (const auto& [setting, value] : original) {
        if (left.find(setting) == left.end()) {
            problems.push_back(name + " leaves " + setting + " as it was on its connection, where the original leaves " + value +
                               ": the tool's next migrations run without it");
        }
    }
}

void run_step(Connection& c, const analyze::PlanStep& step, std::vector<std::string>& problems, const SessionSettings& original,
              bool last) {
    const std::string name = "step \"" + one_line(step.title, 80) + "\"";
    if (step.run == analyze::PlanRun::out_of_band) {
        // The application release before the migrations is code, not SQL: nothing to run.
        if (only_comments(step.sql) && step.title.rfind("Before", 0) == 0) return;
        if (only_comments(step.sql)) {
            problems.push_back(name + " (out of band) is only comments: nothing in it runs");
            return;
        }
        if (auto r = c.query(step.sql); !r) {
            std::string p = placeholder(step.sql);
            problems.push_back(name + (p.empty() ? " failed: " + server_message(r.error().message)
                                                 : ": the placeholder " + p + " reached the server"));
        }
        return;
    }
    std::vector<OracleStatement> statements = split(step.sql);
    std::string error;
    if (step.run == analyze::PlanRun::in_transaction) {
        if (!c.query("BEGIN")) error = "cannot begin a transaction";
        if (error.empty()) error = run_each(c, statements);
        if (!error.empty()) {
            (void)c.query("ROLLBACK");
        } else if (auto r = c.query("COMMIT"); !r) {
            error = "COMMIT: " + server_message(r.error().message);
        }
    } else {
        error = run_each(c, statements);
    }
    if (!error.empty()) problems.push_back(name + " failed: " + error);
    else check_left(c, name, original, last, problems);
}

// The traffic at one position. `skip` holds indexes into `out` (the run's traffic so far, in
// order) of writes left out: they are recorded as succeeded without being sent.
void run_batch(Connection& c, const TrafficScript& script, int position, int deploy, std::vector<Outcome>& out,
               const std::set<std::size_t>& skip = {}) {
    auto one = [&](const std::string& sql) {
        Outcome o;
        o.position = position;
        o.sql = sql;
        if (skip.contains(out.size())) {
            out.push_back(std::move(o));
            return;
        }
        if (auto r = c.query(sql); !r) {
            o.ok = false;
            o.sqlstate = c.last_sqlstate();
            o.message = server_message(r.error().message);
        } else {
            for (int k = 0; r->rows() > 0 && k < r->columns(); ++k) {
                if (!r->is_null(0, k)) o.returned.push_back("V" + r->value(0, k));
            }
        }
        out.push_back(std::move(o));
    };
    // Each statement's counter moves by 101 a position: a value that depends on it modulo a small
    // number (every fifth write NULL) turns up at some position for every statement, not always
    // for the same ones (lemmy's mod-reason-mandatory: the NULL reasons reached only the tables
    // whose INSERT had the fifth place, and a plan refusing them table by table passed).
    for (std::size_t j = 0; j < script.old_release.size(); ++j) one(with_counter(script.old_release[j], 1000 + position * 101 + static_cast<long>(j)));
    if (position < deploy) return;
    for (std::size_t j = 0; j < script.new_release.size(); ++j) one(with_counter(script.new_release[j], 50000 + position * 101 + static_cast<long>(j)));
}

std::optional<Connection> open(const OracleServer& server, const std::string& db, bool observer = false) {
    auto c = Connection::open(observer && server.observer_conninfo ? server.observer_conninfo(db) : server.conninfo(db));
    if (!c) return std::nullopt;
    c->set_time_limit(server.statement_limit);
    return std::move(*c);
}

// The later migrations on `c`, each file's statements in order, up to the first that fails:
// how many applied, and that one's error.
struct LaterRun {
    std::size_t applied = 0;
    std::string error;
};
LaterRun run_later(Connection& c, const std::vector<std::vector<OracleStatement>>& later,
                   const std::vector<bool>& in_transaction) {
    LaterRun out;
    for (; out.applied < later.size(); ++out.applied) {
        bool wrapped = out.applied < in_transaction.size() && in_transaction[out.applied];
        if (std::string e = run_file(c, later[out.applied], wrapped); !e.empty()) {
            out.error = "later migration " + std::to_string(out.applied + 1) + ": " + e;
            break;
        }
    }
    return out;
}

struct Run {
    std::vector<Outcome> traffic;
    std::vector<std::string> problems;  // steps that failed, placeholders, later migrations
    std::optional<EndState> state;
    LaterRun later;  // the later migrations (the plan's run; a candidate original's)
};

// What differs between the plan's run and the original's at one position, their end states
// compared with the values `unstable` names masked (mask_columns).
std::vector<std::string> issues(const Run& plan, const Run& original, const OracleInput& input, const UnstableValues& unstable) {
    std::vector<std::string> out = plan.problems;
    if (plan.state && original.state) {
        EndState a = *original.state;
        EndState b = *plan.state;
        mask_columns(a, unstable);
        mask_columns(b, unstable);
        if (std::string d = first_difference(a, b); !d.empty()) out.push_back("end state: " + d);
    }
    for (std::size_t i = 0; i < plan.traffic.size() && i < original.traffic.size(); ++i) {
        const Outcome& p = plan.traffic[i];
        if (p.ok || !original.traffic[i].ok) continue;
        std::string when = p.position == 0 ? "before the first step"
                                           : "after step \"" + one_line(input.steps[p.position - 1].title, 80) + "\"";
        out.push_back("write failed " + when + " (SQLSTATE " + p.sqlstate + "): " + one_line(p.sql, 100) + ": " + p.message);
    }
    return out;
}

// A rescued write (`refused`: the original refused it, the plan took it) whose row is in the
// plan's end state with some of the values it wrote missing was taken and then lost (umami: the
// old release set website.share_id after the plan had copied the column into share, and a later
// migration of the plan dropped it): the original refused it, and the application knew. A
// difference, not a rescue: its text, or "". A row holding every value is kept; one with at
// most half of them (or a write naming one column) was deleted or overwritten by later
// traffic, which is not judged here.
std::string lost_write(const Run& plan, const Run& original, const std::set<std::size_t>& refused) {
    if (!plan.state) return "";
    for (std::size_t i : refused) {
        const Outcome& w = plan.traffic[i];
        if (w.returned.size() < 2) continue;
        std::size_t best = 0;
        const std::vector<std::string>* best_row = nullptr;
        for (const auto& [name, rows] : plan.state->tables) {
            for (const auto& row : rows.rows) {
                std::size_t n = std::count_if(w.returned.begin(), w.returned.end(), [&](const std::string& v) {
                    return std::find(row.begin(), row.end(), v) != row.end();
                });
                if (n > best) best = n, best_row = &row;
            }
        }
        if (best == w.returned.size() || best * 2 <= w.returned.size() || best_row == nullptr) continue;
        auto gone = std::find_if(w.returned.begin(), w.returned.end(), [&](const std::string& v) {
            return std::find(best_row->begin(), best_row->end(), v) == best_row->end();
        });
        return "a write the original refused (SQLSTATE " + original.traffic[i].sqlstate +
               ") was taken by the plan, and its row is in the end state without the value " + one_line(gone->substr(1), 60) +
               " it wrote: lost, where the original reported an error: " + one_line(w.sql, 100);
    }
    return "";
}

}  // namespace

std::string database_identity(Connection& admin, const std::string& db) {
    auto r = admin.query(
        "SELECT d.oid::text || ' ' || d.datdba::regrole::text || ' ' || d.datallowconn || ' ' || d.datconnlimit || ' ' || d.datistemplate"
        " || ' ' || coalesce((SELECT string_agg(s.setdatabase || '/' || s.setrole || '/' || array_to_string(s.setconfig, ','), ' '"
        " ORDER BY s.setdatabase, s.setrole) FROM pg_db_role_setting s WHERE s.setdatabase IN (0, d.oid)), '')"
        " FROM pg_database d WHERE d.datname = $1",
        {db});
    return r && r->rows() > 0 ? r->value(0, 0) : std::string(r ? "" : "unreadable");
}

OracleVerdict run_plan_oracle(const OracleServer& server, const OracleInput& input) {
    OracleVerdict v;
    const int n = static_cast<int>(input.steps.size());
    for (int i = 0; i < n; ++i) {
        if (!input.steps[i].after_release) v.deploy = i + 1;
    }
    std::vector<std::string> made;
    std::map<std::string, std::string> identities;  // as made (the template: as found)
    if (server.identity && !server.base.empty()) identities[server.base] = server.identity(server.base);
    auto make = [&](const std::string& db) -> std::optional<Connection> {
        if (!server.copy(db)) return std::nullopt;
        made.push_back(db);
        if (server.identity) identities[db] = server.identity(db);
        return open(server, db);
    };
    // The first database of the run (still there, or the template) that is not as it was.
    auto tampered = [&]() -> std::string {
        if (!server.identity) return "";
        std::vector<std::string> check = made;
        if (!server.base.empty()) check.push_back(server.base);
        for (const auto& db : check) {
            auto it = identities.find(db);
            if (it != identities.end() && server.identity(db) != it->second) return db;
        }
        return "";
    };
    auto finish = [&](OracleVerdict out) {
        std::string changed = tampered();
        for (const auto& db : made) server.drop(db);
        if (!changed.empty()) {
            out.verdict = "unchecked";
            out.reason = "the database " + changed + " (the oracle's) was altered or dropped during the run, or a role's settings were: "
                         "the verdict is not trusted";
            out.details.clear();
            out.rescued = 0;
        }
        return out;
    };
    auto unchecked = [&](const std::string& why) {
        v.verdict = "unchecked";
        v.reason = one_line(why, 400);
        return finish(v);
    };

    // The traffic: the old release from the seeded database, the new one from a copy the
    // original ran on.
    TrafficScript script;
    SessionSettings left_by_original;
    {
        auto before = make(input.prefix + "_p");
        auto scratch = make(input.prefix + "_s");
        if (!before || !scratch) return unchecked("cannot copy the seeded database");
        // The file on a session of its own: its SETs (search_path) stay out of the catalog reads.
        auto file = open(server, input.prefix + "_s");
        if (!file) return unchecked("cannot connect to the seeded database's copy");
        if (std::string e = run_file(*file, input.original, input.original_in_transaction); !e.empty()) return unchecked("the original file fails: " + e);
        left_by_original = session_settings(*file);
        script = derive_traffic(*before, *scratch, input.tables, updated_columns(input.original));
    }
    server.drop(input.prefix + "_s");
    made.pop_back();

    // The original atomically at position k on `db`, with the traffic at every position on `c`.
    // The file runs on a session of its own, as a tool runs it and as the plan's steps run: a
    // SET in it (search_path, default_transaction_read_only) must not reach the traffic, whose
    // writes would then fail in the original's run only (and be "rescued" under the plan).
    auto run_original = [&](const std::string& db, Connection& c, int k, Run& original) {
        for (int p = 0; p <= n; ++p) {
            if (p == k) {
                auto file = open(server, db);
                if (!file) {
                    original.problems.push_back("cannot connect to the original's database");
                } else if (std::string e = run_file(*file, input.original, input.original_in_transaction); !e.empty()) {
                    original.problems.push_back(e);
                }
            }
            run_batch(c, script, p, v.deploy, original.traffic);
        }
    };

    // The original run twice at the deploy position, with the traffic: what differs between the
    // two runs is not the plan's doing. Values the file takes from the clock or a random source
    // (an UPDATE setting gen_random_uuid()), and those the traffic's writes take from it through
    // the schema (a trigger copying a row's now() default into another table).
    UnstableValues unstable;
    {
        std::optional<EndState> twice[2];
        for (int r = 0; r < 2; ++r) {
            const std::string db = input.prefix + "_u" + std::to_string(r);
            auto c = make(db);
            if (!c) return unchecked("cannot copy the seeded database");
            Run run;
            run_original(db, *c, v.deploy, run);
            if (auto watch = open(server, db, true)) {
                if (auto state = dump_end_state(*watch)) twice[r] = std::move(*state);
            }
        }
        for (int r = 0; r < 2; ++r) {
            server.drop(made.back());
            made.pop_back();
        }
        if (twice[0] && twice[1]) unstable = unstable_columns(*twice[0], *twice[1]);
    }

    // The plan step by step on `db`, with the traffic between the steps, less the writes `skip` names.
    auto run_plan = [&](const std::string& db, const std::set<std::size_t>& skip, Run& plan) -> std::string {
        auto app = open(server, db);
        auto watch = open(server, db, true);
        if (!app || !watch) return "cannot connect to the plan's database";
        for (int p = 0; p <= n; ++p) {
            if (p > 0) {
                // Each migration on a session of its own, as its tool opens one.
                auto steps = open(server, db);
                if (!steps) return "cannot connect to the plan's database";
                run_step(*steps, input.steps[p - 1], plan.problems, left_by_original, p == n);
            }
            run_batch(*app, script, p, v.deploy, plan.traffic, skip);
        }
        auto state = dump_end_state(*watch);
        if (!state) return "cannot read the plan's end state: " + state.error().message;
        plan.state = std::move(*state);
        auto later = open(server, db);
        if (!later) return "cannot connect to the plan's database";
        plan.later = run_later(*later, input.later, input.later_in_transaction);
        return "";
    };
    Run plan;
    if (std::string e = run_plan(input.prefix + "_p", {}, plan); !e.empty()) return unchecked(e);
    v.statements = static_cast<int>(plan.traffic.size());

    std::vector<std::string> best;
    // The original's error at the positions after the first batch, while no such position runs it.
    std::string after_writes;
    bool runs_after_writes = false;
    for (int k = v.deploy; k >= 0; --k) {
        Run original;
        std::vector<std::string> found;
        const UnstableValues* masks = &unstable;  // the values compared by NULL-ness at this k
        UnstableValues at_k;
        std::set<std::size_t> refused;
        std::set<std::size_t> reached;
        const std::string db = input.prefix + "_k" + std::to_string(k);
        {
            auto c = make(db);
            if (!c) return unchecked("cannot copy the seeded database");
            run_original(db, *c, k, original);
            auto watch = open(server, db, true);
            if (!watch) return unchecked("cannot connect to the original's database");
            auto state = dump_end_state(*watch);
            if (!state) return unchecked("cannot read the original's end state: " + state.error().message);
            original.state = std::move(*state);
            if (original.problems.empty()) found = issues(plan, original, input, unstable);
            // The values that differ between two runs of the original at k, when the plan's end
            // state differs from k's with those of the deploy position masked: a clock value
            // written at k lands in other rows than at d (the old release's row written before
            // the file stays NULL in a column the file adds at d, gets the new now() default at
            // k; a parent row touched by a trigger of a write the original refuses at d). Found
            // as at d, by a second run of the original at k with the same traffic.
            bool state_differs = std::any_of(found.begin(), found.end(), [](const std::string& f) { return f.starts_with("end state: "); });
            if (state_differs && k != v.deploy) {
                const std::string twin_db = input.prefix + "_v" + std::to_string(k);
                auto t = make(twin_db);
                if (!t) return unchecked("cannot copy the seeded database");
                Run twin;
                run_original(twin_db, *t, k, twin);
                auto twin_watch = open(server, twin_db, true);
                std::optional<EndState> twin_state;
                if (twin_watch && twin.problems.empty()) {
                    if (auto s2 = dump_end_state(*twin_watch)) twin_state = std::move(*s2);
                }
                twin_watch.reset();
                t.reset();
                server.drop(twin_db);
                made.pop_back();
                if (twin_state) {
                    at_k = unstable_columns(*original.state, *twin_state);
                    masks = &at_k;
                    found = issues(plan, original, input, at_k);
                }
            }
            // Writes the original refused (the old release's INSERT into a table it renamed) that
            // the plan let through (a view in its place) are rescued, not a difference (below).
            // Only a write refused for an object it names being gone (class 42: a table or column
            // renamed away): one refused for its data (a constraint, a trigger's RAISE, a view's
            // CHECK OPTION, a bad value) or for want of a privilege the file revoked is a write the
            // file forbids, and letting it through is a difference, not a rescue.
            for (std::size_t i = 0; i < original.traffic.size() && i < plan.traffic.size(); ++i) {
                const std::string& state = original.traffic[i].sqlstate;
                if (!original.traffic[i].ok && plan.traffic[i].ok && state.starts_with("42") && state != "42501") refused.insert(i);
            }
            // Writes refused the same way that, under the plan, got past the missing name and
            // failed later (on their data: crates.io's old-release INSERT through the view, refused
            // by a NOT NULL after taking a value from the table's sequence) fail in both runs;
            // what is left of them is the sequence value they took, not a row. Left out of the
            // second run with the rescued ones, not credited.
            for (std::size_t i = 0; i < original.traffic.size() && i < plan.traffic.size(); ++i) {
                const std::string& state = original.traffic[i].sqlstate;
                if (!original.traffic[i].ok && !plan.traffic[i].ok && plan.traffic[i].sqlstate != state && state.starts_with("42") &&
                    state != "42501") {
                    reached.insert(i);
                }
            }
            if (std::string lost = lost_write(plan, original, refused); !lost.empty()) {
                found.push_back(lost);
                refused.clear();
                reached.clear();
            }
            // Only for a candidate (or one with rescued writes): the later migrations must apply
            // after the plan as far as they apply after the original.
            bool rescue = !found.empty() && (!refused.empty() || !reached.empty()) && plan.problems.empty();
            if (original.problems.empty() && (found.empty() || rescue) && !input.later.empty()) {
                original.later = run_later(*c, input.later, input.later_in_transaction);
                if (found.empty() && plan.later.applied < original.later.applied) {
                    found.push_back(plan.later.error + " (it applies after the original)");
                }
            }
        }
        server.drop(db);
        made.pop_back();
        if (!original.problems.empty()) {  // the original cannot run there: not a candidate
            if (k > 0 && after_writes.empty()) after_writes = original.problems.front();
            continue;
        }
        if (k > 0) runs_after_writes = true;
        // Rescued writes: run the plan again without them, and it must then match this position
        // exactly. Only when every step of the plan ran under the traffic that included them (a
        // step those writes break, a SET NOT NULL over the NULLs they wrote, fails for real), and
        // the later migrations applied after it as far as after the original (a later file that
        // fails after both, such as a LOCK TABLE outside a transaction, is no breakage of theirs).
        if (!found.empty() && (!refused.empty() || !reached.empty()) && plan.problems.empty() &&
            plan.later.applied >= original.later.applied) {
            std::set<std::size_t> skip = refused;
            skip.insert(reached.begin(), reached.end());
            Run again;
            const std::string rdb = input.prefix + "_r";
            if (!make(rdb)) return unchecked("cannot copy the seeded database");
            std::string e = run_plan(rdb, skip, again);
            server.drop(rdb);
            made.pop_back();
            if (!e.empty()) return unchecked(e);
            std::vector<std::string> left = issues(again, original, input, *masks);
            if (left.empty() && again.later.applied >= original.later.applied) {
                v.verdict = "proven";
                v.position = k;
                v.rescued = static_cast<int>(refused.size());
                return finish(v);
            }
        }
        if (found.empty()) {
            v.verdict = "proven";
            v.position = k;
            return finish(v);
        }
        if (best.empty() || found.size() < best.size()) {
            best = std::move(found);
            v.position = k;
        }
    }
    if (v.position < 0) return unchecked("the original file fails at every position");
    // The original runs only before the first batch of writes (on tables it presumes empty) and
    // fails after it, where every step of a plan runs: even the file itself, as a one-step plan,
    // would fail there, so nothing holds the plan to it when a step of it fails so too. Not proven;
    // a plan whose steps all run is still compared with position 0.
    if (v.position == 0 && v.deploy > 0 && !runs_after_writes && !after_writes.empty() && !plan.problems.empty()) {
        return unchecked("the original file fails once the old release has written (it runs only before the first writes, "
                         "the plan's steps after them): " + after_writes);
    }
    v.verdict = "differs";
    v.details = std::move(best);
    v.reason = v.details.front();
    return finish(v);
}

}  // namespace pgfence::trace
