#include "tests/conformance/runner.hpp"

#include <algorithm>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"

namespace pgfence::tests::conformance {
namespace {

constexpr const char* k_template = "conformance_template";
constexpr const char* k_work = "conformance_work";
constexpr const char* k_in_transaction_block = "25001";  // active_sql_transaction

}  // namespace

Runner::Runner(trace::PgInstance& instance, std::string schema_sql)
    : m_instance(instance), m_schema(std::move(schema_sql)) {}

trace::Status Runner::prepare() {
    auto admin = m_instance.connect("postgres");
    if (!admin) return admin.error();
    m_admin.emplace(std::move(*admin));
    auto version = m_admin->query("SELECT current_setting('server_version_num')::int / 10000");
    if (!version) return version.error();
    m_server_major = std::stoi(version->value(0, 0));
    // The facts of the server the case runs on; one older or newer than the analyzer knows
    // gets the nearest version it does.
    m_options.pg_version = std::clamp(m_server_major, analyze::k_oldest_pg_version, analyze::k_newest_pg_version);
    m_options.threads = 1;
    m_options.run_rules = false;  // only the facts are compared
    analyze::Replay schema(m_options);
    schema.replay_text("schema.sql", m_schema);
    m_schema_history = schema.snapshot();
    if (auto s = m_admin->execute(std::string("CREATE DATABASE ") + k_template); !s) return s.error();
    {
        auto loader = m_instance.connect(k_template);
        if (!loader) return loader.error();
        if (auto s = loader->execute(m_schema); !s) return analyze::Error{"schema.sql: " + s.error().message, "", std::nullopt};
    }
    if (auto s = clone(k_work); !s) return s.error();
    auto observer = m_instance.connect(k_work);
    if (!observer) return observer.error();
    m_observer.emplace(std::move(*observer));
    return trace::Done{};
}

trace::Status Runner::clone(const std::string& db) {
    return m_admin->execute("CREATE DATABASE " + db + " TEMPLATE " + k_template);
}

void Runner::drop(const std::string& db) {
    (void)m_admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
}

analyze::StatementFacts Runner::predict(const Case& c, Mode mode) const {
    analyze::AnalyzeOptions options = m_options;
    std::string text;
    if (mode == Mode::SameFile) {
        text = m_schema + "\n";
        for (const auto& s : c.statements) text += s + ";\n";
    } else {
        // The context is the migration before the case's: replayed on top of schema.sql's.
        std::string context;
        for (std::size_t i = 0; i + 1 < c.statements.size(); ++i) context += c.statements[i] + ";\n";
        if (context.empty()) {
            options.history = m_schema_history;
        } else {
            analyze::Replay replay(options, m_schema_history);
            replay.replay_text("context.sql", context);
            options.history = replay.snapshot();
        }
        text = c.statements.back() + ";\n";
    }
    analyze::FileReport report = analyze::analyze_text("conformance.sql", text, options);
    if (report.statements.empty()) return {};
    return report.statements.back();
}

analyze::Result<trace::Observation> Runner::observe(const Case& c, bool& outside_transaction) {
    outside_transaction = false;
    const std::string& observed_sql = c.statements.back();
    bool has_context = c.statements.size() > 1;
    std::string db = k_work;
    std::optional<trace::Connection> own_session;
    std::optional<trace::Connection> own_observer;
    trace::Connection* session = nullptr;
    trace::Connection* observer = &*m_observer;

    // Context statements are committed on a private copy, so their locks are not the observed one's.
    auto open_copy = [&]() -> trace::Status {
        db = "conformance_case_" + std::to_string(++m_clones);
        if (auto s = clone(db); !s) return s.error();
        {
            auto setup = m_instance.connect(db);
            if (!setup) return setup.error();
            for (std::size_t i = 0; i + 1 < c.statements.size(); ++i) {
                if (auto s = setup->execute(c.statements[i]); !s) {
                    return analyze::Error{"context statement " + std::to_string(i + 1) + ": " + s.error().message, "",
                                          std::nullopt};
                }
            }
        }
        auto conn = m_instance.connect(db);
        if (!conn) return conn.error();
        own_session.emplace(std::move(*conn));
        auto obs = m_instance.connect(db);
        if (!obs) return obs.error();
        own_observer.emplace(std::move(*obs));
        session = &*own_session;
        observer = &*own_observer;
        return trace::Done{};
    };
    auto finish = [&](analyze::Result<trace::Observation> result) {
        own_session.reset();
        own_observer.reset();
        if (db != k_work) drop(db);
        return result;
    };

    if (has_context) {
        if (auto s = open_copy(); !s) return finish(s.error());
    } else {
        // A fresh session for each case, as a migration gets one: some locks are taken only
        // while a backend fills its caches (a partition's bound opens its parent once).
        auto fresh = m_instance.connect(k_work);
        if (!fresh) return finish(fresh.error());
        m_session.emplace(std::move(*fresh));
        session = &*m_session;
    }
    if (auto s = session->execute("BEGIN"); !s) return finish(s.error());
    auto seen = trace::observe_in_transaction(*session, *observer, observed_sql);
    std::string state = session->last_sqlstate();
    if (auto s = session->execute("ROLLBACK"); !s) return finish(s.error());
    if (seen || state != k_in_transaction_block) return finish(std::move(seen));

    // Refused inside a transaction block: run it for real on a private copy.
    outside_transaction = true;
    if (!has_context) {
        if (auto s = open_copy(); !s) return finish(s.error());
    }
    trace::Contention contention;
    contention.tables = c.hold;
    contention.pins = c.pin;
    contention.squats = c.squat;
    return finish(trace::observe_autocommit(m_instance.conninfo(db), observed_sql, contention));
}

CaseResult Runner::run(const Case& c) {
    CaseResult result;
    analyze::StatementFacts facts;
    std::optional<analyze::StatementFacts> history_facts;
    try {
        facts = predict(c, Mode::SameFile);
        if (c.same_file_only.empty()) history_facts = predict(c, Mode::History);
    } catch (const std::exception& e) {
        result.error = std::string("the analyzer failed: ") + e.what();
        return result;
    }
    bool outside = false;
    auto observation = observe(c, outside);
    if (!observation) {
        result.error = "server: " + observation.error().message;
        return result;
    }
    result.verdict = trace::compare(facts, *observation, outside);
    if (history_facts) result.history = trace::compare(*history_facts, *observation, outside);
    result.observation = std::move(*observation);
    result.outside_transaction = outside;
    return result;
}

}  // namespace pgfence::tests::conformance
