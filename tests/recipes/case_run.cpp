#include "tests/recipes/case_run.hpp"

#include "tests/recipes/backfill.hpp"
#include "tests/recipes/observe.hpp"
#include "tests/recipes/verdict.hpp"

namespace pgfence::tests::recipes {
namespace {

constexpr int k_max_batches = 1000;

std::string one_line(std::string text) {
    for (char& c : text) if (c == '\n') c = ' ';
    return text.size() > 160 ? text.substr(0, 157) + "..." : text;
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

}  // namespace

CaseRun::CaseRun(trace::PgInstance& instance, trace::Connection& admin, const RecipeCase& c, std::string db,
                 const std::string& schema, Outcome& out)
    : m_instance(instance), m_admin(admin), m_case(c), m_db(std::move(db)), m_out(out), m_context(schema) {}

bool CaseRun::fail(std::string problem) {
    m_out.problems.push_back(std::move(problem));
    return false;
}

bool CaseRun::connect() {
    auto session = m_instance.connect(m_db);
    if (!session) return fail("cannot connect: " + session.error().message);
    m_session.emplace(std::move(*session));
    auto observer = m_instance.connect(m_db);
    if (!observer) return fail("cannot connect: " + observer.error().message);
    m_observer.emplace(std::move(*observer));
    return true;
}

void CaseRun::run(const analyze::Recipe& recipe) {
    if (!connect()) return;
    auto start = trace::snapshot_relations(*m_observer);
    if (!start) {
        fail("cannot read pg_class: " + start.error().message);
        return;
    }
    m_start = std::move(*start);
    int last = static_cast<int>(recipe.steps.size()) - 1;
    for (const auto& h : m_case.hooks) {
        if (h.after_step > last) fail("hook \"" + h.why + "\" follows a step the recipe does not have");
    }
    for (const auto& e : m_case.expectations) {
        if (e.after_step > last) fail("check \"" + e.what + "\" follows a step the recipe does not have");
    }
    if (!m_out.ok()) return;
    for (std::size_t i = 0; i < recipe.steps.size(); ++i) {
        ++m_out.steps;
        if (!step(i, recipe.steps[i]) || !after_step(static_cast<int>(i))) return;
        m_context += "\n" + recipe.steps[i].sql;
    }
    for (const auto& e : m_case.expectations) {
        if (e.after_step < 0) expect(e);
    }
    check_storage();
}

bool CaseRun::step(std::size_t index, const analyze::RecipeStep& s) {
    const std::string where = "step " + std::to_string(index + 1) + " (" + s.title + ")";
    auto p = predict(m_context, s.sql);
    if (!p) return fail(where + ": " + p.error().message);
    if (p->alone.empty()) {
        auto update = commented_update(s.sql, m_case.placeholders);
        if (!update) return fail(where + ": " + update.error().message);
        return update->empty() || backfill(where, *update);
    }
    if (!s.in_transaction) {
        Target target{*m_session, *m_observer, m_db};
        for (std::size_t i = 0; i < p->alone.size(); ++i) {
            ++m_out.statements;
            if (!statement(target, where, p->alone[i], p->in_context[i], Wrap::Own)) return false;
        }
        return true;
    }
    // Inside one transaction a statement's locks hide behind the same modes taken before it:
    // the later statements are first watched one by one on a copy.
    if (p->alone.size() > 1 && !rehearse_alone(where, *p)) return false;
    Target target{*m_session, *m_observer, m_db};
    if (auto b = m_session->execute("BEGIN"); !b) return fail(where + ": BEGIN: " + b.error().message);
    for (std::size_t i = 0; i < p->alone.size(); ++i) {
        ++m_out.statements;
        if (!statement(target, where, p->alone[i], p->in_context[i], Wrap::InOpenTransaction)) {
            (void)m_session->execute("ROLLBACK");
            return false;
        }
    }
    if (auto c = m_session->execute("COMMIT"); !c) return fail(where + ": COMMIT: " + c.error().message);
    return true;
}

// Runs the step's statements each in a transaction of its own on a copy of the database, so
// that every statement after the first shows all its locks.
bool CaseRun::rehearse_alone(const std::string& where, const Prediction& p) {
    const std::string copy = m_db + "_alone";
    m_session.reset();
    m_observer.reset();
    auto copied = m_admin.execute("CREATE DATABASE " + copy + " TEMPLATE " + m_db);
    bool ok = copied || fail(where + ": cannot copy the database: " + copied.error().message);
    if (ok) {
        auto session = m_instance.connect(copy);
        auto observer = m_instance.connect(copy);
        if (!session || !observer) {
            ok = fail(where + ": cannot connect to the copy");
        } else {
            Target target{*session, *observer, copy};
            if (auto r = session->execute(p.alone[0].sql); !r) {
                ok = fail(where + ": " + one_line(p.alone[0].sql) + ": the server refused it: " + r.error().message);
            }
            for (std::size_t i = 1; ok && i < p.alone.size(); ++i) {
                ok = statement(target, where + " alone", p.alone[i], p.in_context[i], Wrap::Own);
            }
        }
    }
    (void)m_admin.execute("DROP DATABASE IF EXISTS " + copy + " WITH (FORCE)");
    return connect() && ok;
}

// Runs one statement: inside the transaction the step opened, or on its own: outside any
// transaction block when it cannot run in one, else alone in BEGIN/COMMIT (for a single
// statement the same as autocommit).
bool CaseRun::statement(Target& target, const std::string& where, const analyze::StatementFacts& alone,
                        const analyze::StatementFacts& in_context, Wrap wrap, std::string* status) {
    const std::string& sql = alone.sql;
    const std::string label = where + ": " + one_line(sql);
    trace::Result<StatementRun> run = trace::Error{"not run", "", std::nullopt};
    if (wrap == Wrap::InOpenTransaction) {
        run = run_in_transaction(target.session, target.observer, sql);
    } else if (alone.no_transaction_block) {
        run = run_autocommit(m_instance.conninfo(target.db), target.observer, sql, contention_for(alone));
    } else {
        if (auto b = target.session.execute("BEGIN"); !b) return fail(where + ": BEGIN: " + b.error().message);
        run = run_in_transaction(target.session, target.observer, sql);
        auto end = target.session.execute(run ? "COMMIT" : "ROLLBACK");
        if (run && !end) return fail(label + ": COMMIT: " + end.error().message);
    }
    if (!run) return fail(label + ": the server refused it: " + run.error().message);
    if (status != nullptr) *status = run->command_status;
    if (&target.session == &*m_session) {
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
    return strict.empty();
}

// The recipe's own commented backfill, uncommented: batches in their own transactions
// until one updates nothing, each held to the analyzer's prediction like any statement.
bool CaseRun::backfill(const std::string& where, const std::string& sql) {
    auto p = predict(m_context, sql);
    if (!p) return fail(where + ": " + p.error().message);
    if (p->alone.size() != 1) return fail(where + ": the commented backfill is not one statement: " + one_line(sql));
    Target target{*m_session, *m_observer, m_db};
    for (int batch = 1; batch <= k_max_batches; ++batch) {
        std::string status;
        std::string label = where + " batch " + std::to_string(batch);
        ++m_out.statements;
        if (!statement(target, label, p->alone[0], p->in_context[0], Wrap::Own, &status)) return false;
        if (status == "UPDATE 0") return true;
    }
    return fail(where + ": the backfill still updates rows after " + std::to_string(k_max_batches) + " batches");
}

bool CaseRun::after_step(int index) {
    const std::string when = "after step " + std::to_string(index + 1);
    for (const auto& h : m_case.hooks) {
        if (h.after_step != index) continue;
        m_out.log.push_back(when + ", the test runs: " + h.why);
        if (auto r = m_session->execute(h.sql); !r) return fail(when + ", " + h.why + ": " + r.error().message);
    }
    bool ok = true;
    for (const auto& e : m_case.expectations) {
        if (e.after_step == index && !expect(e)) ok = false;
    }
    return ok;
}

bool CaseRun::expect(const Expectation& e) {
    std::string when = e.after_step < 0 ? "at the end" : "after step " + std::to_string(e.after_step + 1);
    auto r = m_session->query(e.sql);
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
