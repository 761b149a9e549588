#include "tests/recipes/case_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "analyze/model/lock_mode.hpp"
#include "tests/recipes/observe.hpp"
#include "tests/recipes/verdict.hpp"

namespace pgfence::tests::recipes {
namespace {

constexpr int k_max_batches = 1000;
// A recipe statement still running after this is cancelled and fails the case (a batch whose
// plan never ends, a lock that is never granted).
constexpr std::chrono::seconds k_statement_limit{60};
// application_name of the sessions that only make the statement show its locks (contention).
constexpr const char* k_observer_application = "pgfence_observer";

std::string one_line(std::string text) {
    for (char& c : text) if (c == '\n') c = ' ';
    return text.size() > 160 ? text.substr(0, 157) + "..." : text;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// What other sessions contend for so that a statement outside a transaction block shows
// each lock it takes: the existing tables it is predicted to lock, the indexes it creates.
trace::Contention contention_for(const analyze::StatementFacts& facts) {
    trace::Contention c;
    for (const auto& l : facts.locks) {
        std::string name = normalise_name(l.relation);
        if (l.kind == "table" && !l.is_new) c.tables.push_back(name);
        if (l.kind == "index" && l.is_new) c.squats.push_back(name);
    }
    return c;
}

// SET, SHOW, BEGIN, COMMIT: run as they are, no locks to observe.
bool session_statement(const analyze::StatementFacts& facts) {
    return facts.locks.empty() &&
           (facts.kind == "TransactionStmt" || facts.kind == "VariableSetStmt" || facts.kind == "VariableShowStmt");
}

}  // namespace

CaseRun::CaseRun(trace::PgInstance& instance, trace::Connection& admin, const RecipeCase& c, std::string db,
                 const std::string& schema, Outcome& out)
    : m_instance(instance), m_admin(admin), m_case(c), m_db(std::move(db)), m_out(out), m_context(schema) {}

bool CaseRun::fail(std::string problem) {
    m_out.problems.push_back(std::move(problem));
    return false;
}

bool CaseRun::connect() {
    auto session = trace::Connection::open(m_instance.conninfo(m_db) + " application_name=" + k_recipe_application);
    if (!session) return fail("cannot connect: " + session.error().message);
    m_session.emplace(std::move(*session));
    m_session->set_time_limit(k_statement_limit);
    auto observer = m_instance.connect(m_db);
    if (!observer) return fail("cannot connect: " + observer.error().message);
    m_observer.emplace(std::move(*observer));
    return true;
}

void CaseRun::run(const analyze::Recipe& recipe) {
    bool ok = start(recipe) && steps(recipe);
    finish_traffic();
    if (!ok) return;
    for (const auto& e : m_case.expectations) {
        if (e.after_step < 0) expect(e);
    }
    check_storage();
}

// Connects, runs the case's setup, records the tables' storage and starts the traffic.
bool CaseRun::start(const analyze::Recipe& recipe) {
    if (!connect()) return false;
    int last = static_cast<int>(recipe.steps.size()) - 1;
    for (const auto& h : m_case.hooks) {
        if (h.after_step > last) fail("hook \"" + h.why + "\" follows a step the recipe does not have");
    }
    for (const auto& e : m_case.expectations) {
        if (e.after_step > last) fail("check \"" + e.what + "\" follows a step the recipe does not have");
    }
    for (const auto& t : m_case.traffic_changes) {
        if (t.before_step > last) fail("traffic change \"" + t.why + "\" precedes a step the recipe does not have");
    }
    if (!m_out.ok()) return false;
    for (const std::string* sql : {&m_case.setup, m_case.statement_first ? &m_case.statement : nullptr}) {
        if (sql == nullptr || sql->empty()) continue;
        if (auto s = m_session->execute(*sql); !s) return fail("before the recipe: " + s.error().message);
        m_context += "\n" + *sql;
    }
    auto start = trace::snapshot_relations(*m_observer);
    if (!start) return fail("cannot read pg_class: " + start.error().message);
    m_start = std::move(*start);
    m_traffic = std::make_unique<Traffic>(m_instance.conninfo(m_db), m_case.traffic);
    idle("before step 1");
    m_traffic->start();
    return true;
}

bool CaseRun::steps(const analyze::Recipe& recipe) {
    for (std::size_t i = 0; i < recipe.steps.size(); ++i) {
        const int index = static_cast<int>(i);
        for (const auto& t : m_case.traffic_changes) {
            if (t.before_step != index) continue;
            m_out.log.push_back("before step " + std::to_string(i + 1) + ", the application changes: " + t.why);
            m_traffic->set_sql(t.sql);
        }
        ++m_out.steps;
        m_traffic->settle(index == 0 ? 2 : 1);
        if (auto skip = m_case.skipped_steps.find(index); skip != m_case.skipped_steps.end()) {
            m_out.log.push_back("step " + std::to_string(i + 1) + " (" + recipe.steps[i].title + ") not run: " + skip->second);
        } else {
            if (!step(i, recipe.steps[i])) return false;
            m_context += "\n" + fill_placeholders(recipe.steps[i].sql, m_case.placeholders);
            (void)m_session->execute("RESET ALL");  // a step's SET lock_timeout is its own
        }
        idle("after step " + std::to_string(i + 1));
        if (!after_step(index)) return false;
    }
    return true;
}

void CaseRun::finish_traffic() {
    if (!m_traffic) return;
    idle("after the recipe");
    m_traffic->settle(2);
    m_traffic->stop();
    m_out.log.push_back("traffic: " + m_traffic->summary());
    for (auto& p : m_traffic->problems()) fail("traffic: " + p);
}

void CaseRun::enter(const std::string& label, const analyze::StatementFacts& facts, Wrap wrap) {
    Held now = wrap == Wrap::InOpenTransaction ? m_held : Held{};
    for (const auto& l : facts.locks) {
        if (l.is_new) continue;
        analyze::Blocks b = analyze::blocks_of(l.mode);
        now.writes = now.writes || b.writes;
        now.reads = now.reads || b.reads;
    }
    if (wrap == Wrap::InOpenTransaction) m_held = now;
    if (m_traffic) m_traffic->set_phase({label, now.writes, now.reads});
}

void CaseRun::idle(const std::string& label) {
    m_held = {};
    if (m_traffic) m_traffic->set_phase({label, false, false});
}

bool CaseRun::step(std::size_t index, const analyze::RecipeStep& s) {
    const std::string where = "step " + std::to_string(index + 1) + " (" + s.title + ")";
    const std::string sql = fill_placeholders(s.sql, m_case.placeholders);
    auto p = predict(m_context, sql);
    if (!p) return fail(where + ": " + p.error().message);
    if (p->alone.empty()) {
        auto loops = commented_batches(sql, m_case.placeholders);
        if (!loops) return fail(where + ": " + loops.error().message);
        for (const auto& loop : *loops) {
            if (!batch_loop(where, loop)) return false;
        }
        return true;
    }
    bool as_written = std::any_of(p->alone.begin(), p->alone.end(),
                                  [](const analyze::StatementFacts& f) { return f.kind == "TransactionStmt"; });
    if (as_written) return step_as_written(where, *p);
    Target target{*m_session, *m_observer, m_db};
    if (!s.in_transaction) {
        for (std::size_t i = 0; i < p->alone.size(); ++i) {
            ++m_out.statements;
            if (!statement(target, where, p->alone[i], p->in_context[i], Wrap::Own)) return false;
        }
        return true;
    }
    // Inside one transaction a statement's locks hide behind the same modes taken before it:
    // the later statements are first watched one by one on a copy.
    if (p->alone.size() > 1 && !rehearse_alone(where, *p)) return false;
    Target again{*m_session, *m_observer, m_db};
    if (auto b = m_session->execute("BEGIN"); !b) return fail(where + ": BEGIN: " + b.error().message);
    for (std::size_t i = 0; i < p->alone.size(); ++i) {
        ++m_out.statements;
        if (!statement(again, where, p->alone[i], p->in_context[i], Wrap::InOpenTransaction)) {
            (void)m_session->execute("ROLLBACK");
            return false;
        }
    }
    if (auto c = m_session->execute("COMMIT"); !c) return fail(where + ": COMMIT: " + c.error().message);
    return true;
}

// A step that writes its own BEGIN ... COMMIT (and SET lines): run as written, each statement
// inside the block observed in the open transaction, each outside it on its own.
bool CaseRun::step_as_written(const std::string& where, const Prediction& p) {
    Target target{*m_session, *m_observer, m_db};
    bool open = false;
    for (std::size_t i = 0; i < p.alone.size(); ++i) {
        const analyze::StatementFacts& alone = p.alone[i];
        ++m_out.statements;
        if (session_statement(alone)) {
            if (auto r = m_session->execute(alone.sql); !r) {
                if (open) (void)m_session->execute("ROLLBACK");
                return fail(where + ": " + one_line(alone.sql) + ": " + r.error().message);
            }
            bool now_open = alone.transaction == analyze::Transaction::Explicit;
            if (open && !now_open) idle("after " + where + ": " + one_line(alone.sql));
            open = now_open;
            continue;
        }
        if (!statement(target, where, alone, p.in_context[i], open ? Wrap::InOpenTransaction : Wrap::Own)) {
            if (open) (void)m_session->execute("ROLLBACK");
            return false;
        }
    }
    if (open) {
        (void)m_session->execute("ROLLBACK");
        return fail(where + ": the step ends with its transaction still open");
    }
    return true;
}

bool CaseRun::on_copy(const std::string& where, const std::function<bool(Target&)>& fn) {
    const std::string copy = m_db + "_copy";
    if (m_traffic) m_traffic->pause();
    m_session.reset();
    m_observer.reset();
    auto copied = m_admin.execute("CREATE DATABASE " + copy + " TEMPLATE " + m_db);
    if (m_traffic) m_traffic->resume();
    bool ok = copied || fail(where + ": cannot copy the database: " + copied.error().message);
    if (ok) {
        auto session = m_instance.connect(copy);
        auto observer = m_instance.connect(copy);
        if (!session || !observer) {
            ok = fail(where + ": cannot connect to the copy");
        } else {
            session->set_time_limit(k_statement_limit);
            Target target{*session, *observer, copy};
            ok = fn(target);
        }
    }
    (void)m_admin.execute("DROP DATABASE IF EXISTS " + copy + " WITH (FORCE)");
    return connect() && ok;
}

// Runs the step's statements each in a transaction of its own on a copy of the database, so
// that every statement after the first shows all its locks.
bool CaseRun::rehearse_alone(const std::string& where, const Prediction& p) {
    return on_copy(where, [&](Target& target) {
        if (auto r = target.session.execute(p.alone[0].sql); !r) {
            return fail(where + ": " + one_line(p.alone[0].sql) + ": the server refused it: " + r.error().message);
        }
        for (std::size_t i = 1; i < p.alone.size(); ++i) {
            if (!statement(target, where + " alone", p.alone[i], p.in_context[i], Wrap::Own)) return false;
        }
        return true;
    });
}

// Runs one statement: inside the transaction the step opened, or on its own: outside any
// transaction block when it cannot run in one, else alone in BEGIN/COMMIT (for a single
// statement the same as autocommit).
bool CaseRun::statement(Target& target, const std::string& where, const analyze::StatementFacts& alone,
                        const analyze::StatementFacts& in_context, Wrap wrap, StatementRun* result) {
    const std::string& sql = alone.sql;
    const std::string label = where + ": " + one_line(sql);
    const bool on_case_db = m_session && &target.session == &*m_session;
    if (on_case_db) enter(label, in_context, wrap);
    trace::Result<StatementRun> run = trace::Error{"not run", "", std::nullopt};
    if (wrap == Wrap::InOpenTransaction) {
        run = run_in_transaction(target.session, target.observer, sql);
    } else if (alone.no_transaction_block && on_case_db) {
        // Contention sessions that hold a parent and its partition exclusively deadlock with
        // the traffic's statements (parent first, then partitions): the statement's locks are
        // watched with them on a copy, then it runs here beside the traffic, watched by polling.
        bool watched = on_copy(where, [&](Target& copy) {
            return statement(copy, where + " on a copy, made to wait at each lock", alone, in_context, Wrap::Own);
        });
        if (!watched) return false;
        enter(label, in_context, wrap);
        std::string base = m_instance.conninfo(target.db);
        run = run_autocommit(base + " application_name=" + k_recipe_application,
                             base + " application_name=" + k_observer_application, *m_observer, sql, {});
    } else if (alone.no_transaction_block) {
        std::string base = m_instance.conninfo(target.db) + " application_name=" + k_observer_application;
        run = run_autocommit(base, base, target.observer, sql, contention_for(alone));
    } else {
        if (auto b = target.session.execute("BEGIN"); !b) return fail(where + ": BEGIN: " + b.error().message);
        run = run_in_transaction(target.session, target.observer, sql);
        auto end = target.session.execute(run ? "COMMIT" : "ROLLBACK");
        if (run && !end) return fail(label + ": COMMIT: " + end.error().message);
    }
    if (on_case_db && wrap == Wrap::Own) idle("after " + label);
    if (!run) return fail(label + ": the server refused it: " + run.error().message);
    if (on_case_db) {
        for (const auto& r : run->rewritten) m_seen_rewritten.insert(r.oid);
    }
    m_out.log.push_back(label + "\n            predicted: " + describe_prediction(in_context) +
                        "\n            observed:  " + describe_run(*run));

    // Held to the analyzer's knowledge of the database; where the step read alone predicts
    // less, that is noted (the analyzer cannot see what a file does not show).
    auto strict = judge(in_context, *run);
    for (const auto& m : strict) fail(label + ": " + m.text);
    for (const auto& m : judge(alone, *run)) {
        bool known = false;
        for (const auto& s : strict) known = known || s.relation == m.relation;
        if (!known) {
            m_out.notes.push_back(label + ": read as a migration of its own, the analyzer misses this: " + m.text +
                                  " (given the schema and the earlier steps it predicts it)");
        }
    }
    if (result != nullptr) *result = std::move(*run);
    return strict.empty();
}

// One of the recipe's commented batch statements, uncommented, run in the loop it describes,
// each batch in its own transaction and held to the analyzer's prediction like any statement.
bool CaseRun::batch_loop(const std::string& where, const BatchLoop& loop) {
    Target target{*m_session, *m_observer, m_db};
    long long last_id = 0;  // below the smallest id: schema.sql's ids start at 1
    for (int batch = 1; batch <= k_max_batches; ++batch) {
        std::string sql = loop.walks_key ? with_last_id(loop.sql, std::to_string(last_id)) : loop.sql;
        auto p = predict(m_context, sql);
        if (!p) return fail(where + ": " + p.error().message);
        if (p->alone.size() != 1) return fail(where + ": the commented batch is not one statement: " + one_line(sql));
        StatementRun run;
        std::string label = where + " batch " + std::to_string(batch);
        ++m_out.statements;
        if (!statement(target, label, p->alone[0], p->in_context[0], Wrap::Own, &run)) return false;
        if (!loop.walks_key) {
            if (run.command_status.ends_with(" 0")) return true;
            continue;
        }
        if (run.returned.empty()) return true;
        long long next = last_id;
        for (const auto& v : run.returned) next = std::max(next, std::atoll(v.c_str()));
        if (next <= last_id) return fail(label + ": the batch returns no key above :last_id = " + std::to_string(last_id));
        last_id = next;
    }
    return fail(where + ": the batches still change rows after " + std::to_string(k_max_batches) + " of them");
}

bool CaseRun::after_step(int index) {
    const std::string when = "after step " + std::to_string(index + 1);
    for (const auto& h : m_case.hooks) {
        if (h.after_step != index) continue;
        m_out.log.push_back(when + ", the test runs: " + h.why);
        // The test's own work, standing in for the application or the user: not the recipe's.
        if (m_traffic) m_traffic->set_phase({when + ", the test's hook (" + h.why + ")", true, true});
        auto r = m_session->execute(h.sql);
        idle(when);
        if (!r) return fail(when + ", " + h.why + ": " + r.error().message);
    }
    bool ok = true;
    for (const auto& e : m_case.expectations) {
        if (e.after_step == index && !expect(e)) ok = false;
    }
    return ok;
}

bool CaseRun::expect(const Expectation& e) {
    std::string when = e.after_step < 0 ? "at the end" : "after step " + std::to_string(e.after_step + 1);
    std::string sql = e.sql;
    if (m_traffic) replace_all(sql, "{inserted}", std::to_string(m_traffic->inserted()));
    auto r = m_session->query(sql);
    if (!r) return fail(when + ": " + e.what + ": " + r.error().message);
    if (r->rows() != 1 || r->value(0, 0) != "t") return fail(when + ": expected " + e.what + ", but it is not so");
    return true;
}

// No table the case started with may have new storage unless a statement was seen doing it
// (and then judge() held that to the prediction).
void CaseRun::check_storage() {
    auto end = trace::snapshot_relations(*m_observer);
    if (!end) {
        fail("cannot read pg_class: " + end.error().message);
        return;
    }
    for (const auto& [oid, before] : m_start) {
        auto after = end->find(oid);
        if (after == end->end() || (before.relkind != 'r' && before.relkind != 'm')) continue;
        if (after->second.relfilenode != before.relfilenode && m_seen_rewritten.count(oid) == 0) {
            fail("table " + after->second.name + " was rewritten during the recipe, by none of its statements");
        }
    }
}

}  // namespace pgfence::tests::recipes
