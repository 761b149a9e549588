#include "trace/tracer.hpp"

#include <random>

#include "analyze/parse/splitter.hpp"
#include "trace/contention_plan.hpp"

namespace pgfence::trace {
namespace {

constexpr const char* k_in_transaction_block = "25001";  // active_sql_transaction
// A COMMIT inside a DO block or procedure run in a transaction block (SPI_commit's "invalid
// transaction termination"): run alone, outside one, as a tool that sends the file as one
// statement does (the plan's batched walk in a Prisma folder of its own), it commits.
constexpr const char* k_invalid_termination = "2D000";  // invalid_transaction_termination
constexpr const char* k_insufficient_privilege = "42501";

// The server's message without its severity, on one line: a DETAIL or HINT on the next line
// follows after a space (a line break came out as U+FFFD in the text report).
std::string server_message(const std::string& message) {
    std::string text = message;
    for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
        if (text.starts_with(prefix)) text = text.substr(std::string(prefix).size());
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r') {
            out += text[i];
            continue;
        }
        while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
        while (i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r' || text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
        if (!out.empty() && i + 1 < text.size()) out += ' ';
    }
    return out;
}

// PostgreSQL's message for a statement as it wrote it, line by line ("LINE 7: ... ^" under it
// keeps its caret under the place): without the "ERROR:  " prefix, trailing blanks and empty
// lines. Renderers show its lines as lines (issue #34: they were flattened or U+FFFD).
std::string server_text(const std::string& message) {
    std::string text = message;
    for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
        if (text.starts_with(prefix)) text = text.substr(std::string(prefix).size());
    }
    std::string out, line;
    auto end_line = [&] {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
        if (!line.empty()) out += (out.empty() ? "" : "\n") + line;
        line.clear();
    };
    for (char c : text) {
        if (c == '\n') end_line();
        else line += c;
    }
    end_line();
    return out;
}

std::string statements_text(const std::vector<analyze::StatementFacts>& statements) {
    std::string out;
    for (const auto& s : statements) out += s.sql + ";\n";
    return out;
}

}  // namespace

Tracer::Tracer(PgInstance& instance, TraceOptions options) : m_instance(instance), m_options(std::move(options)) {
    m_options.analyze.threads = 1;
}

Status Tracer::prepare(const std::vector<SetupFile>& setup) {
    auto admin = m_instance.connect("postgres");
    if (!admin) return admin.error();
    m_admin.emplace(std::move(*admin));
    auto version = m_admin->query("SHOW server_version");
    if (!version) return version.error();
    m_server_version = version->value(0, 0);
    // The database the migrations run in (or, isolated, the template of the per-file copies:
    // nobody may stay connected to it), owned by the role that runs them.
    m_base_db = database_name("base");
    if (Status s = m_admin->execute("CREATE DATABASE " + m_base_db + owner_clause()); !s) return s.error();
    auto loader = Connection::open(sql_conninfo(m_base_db));
    if (!loader) return loader.error();
    loader->set_time_limit(m_options.statement_limit);
    for (const auto& f : setup) {
        // pg_dump's output (the usual --setup) has psql's \restrict and \unrestrict lines.
        const std::string sql = analyze::without_psql_meta_commands(f.text);
        if (Status s = loader->execute(sql); !s) {
            std::string why = server_message(s.error().message);
            if (!m_options.as_superuser && loader->last_sqlstate() == k_insufficient_privilege) {
                why += " (needs a superuser: --trace-as-superuser runs the SQL as one, for trusted repositories only)";
            }
            return Error{"--setup " + f.path + ": " + why, "", std::nullopt};
        }
        if (Status s = loader->execute("RESET ALL"); !s) return s.error();
        m_history += sql + "\n;\n";
    }
    return Done{};
}

std::string Tracer::database_name(const std::string& what) {
    if (m_tag.empty()) {
        std::random_device random;
        const char* hex = "0123456789abcdef";
        for (int i = 0; i < 16; ++i) m_tag += hex[random() % 16];
    }
    return "pgfence_" + what + "_" + m_tag + "_" + std::to_string(++m_copies);
}

std::string Tracer::sql_conninfo(const std::string& db) const {
    return m_options.as_superuser ? m_instance.conninfo(db) : m_instance.migration_conninfo(db);
}

// Never the superuser where the repository's SQL ran as the plain role: that SQL owns the
// database, so it can plant what a superuser session there would run with its rights (a function
// that shadows current_database() through ALTER DATABASE ... SET search_path, a trigger, a view
// calling a function). The catalog comes first on the path whatever the database's settings say,
// so what pgfence observes is the catalog's answer, not the migration's.
std::string Tracer::watch_conninfo(const std::string& db) const {
    return sql_conninfo(db) + " options='-c search_path=pg_catalog,public'";
}

std::string Tracer::owner_clause() const {
    return m_options.as_superuser ? std::string() : std::string(" OWNER ") + PgInstance::migration_role();
}

bool Tracer::refused_for_privilege(TracedStatement& s, const std::string& message, const std::string& sqlstate) const {
    if (m_options.as_superuser || sqlstate != k_insufficient_privilege) return false;
    s.verdict = Verdict::NeedsSuperuser;
    s.executed = false;
    s.risk = s.static_risk;
    s.error = server_text(message);
    s.sqlstate = sqlstate;
    s.note = "needs a superuser: not traced";
    return true;
}

std::vector<analyze::StatementFacts> Tracer::predict(const analyze::FileReport& alone) const {
    // The analyzer reads the same history the server has run, as one migration, so it knows
    // the tables, partitions and constraints involved; the file's statements are the last ones.
    analyze::AnalyzeOptions options = m_options.analyze;
    options.run_rules = false;
    std::string text = m_history + statements_text(alone.statements);
    analyze::FileReport all = analyze::analyze_text("trace-history.sql", text, options);
    const std::size_t n = alone.statements.size();
    std::vector<analyze::StatementFacts> out;
    bool aligned = all.statements.size() >= n;
    if (aligned) {
        out.assign(all.statements.end() - static_cast<std::ptrdiff_t>(n), all.statements.end());
        for (std::size_t i = 0; i < n && aligned; ++i) aligned = out[i].sql == alone.statements[i].sql;
    }
    if (!aligned) out = alone.statements;  // history the analyzer cannot follow: the file on its own
    // What the file's own reading knows of a statement it cannot see whole (an ORM call's SQL with
    // an interpolated name, `DROP INDEX CONCURRENTLY IF EXISTS "${name}"`) holds in the history's too.
    for (std::size_t i = 0; i < n && i < out.size(); ++i) {
        out[i].no_transaction_block = out[i].no_transaction_block || alone.statements[i].no_transaction_block;
    }
    if (m_options.tamper) {
        for (auto& f : out) m_options.tamper(f);
    }
    return out;
}

void Tracer::tool_runtime(const analyze::FileReport& report) {
    if (report.source_kind != "typeorm") return;
    bool uses = std::any_of(report.statements.begin(), report.statements.end(), [](const analyze::StatementFacts& s) {
        return s.sql.find("uuid_generate_v") != std::string::npos;
    });
    if (!uses) return;
    const std::string sql = "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"";
    auto c = Connection::open(sql_conninfo(m_base_db));
    if (c && c->execute(sql) && m_history.find(sql) == std::string::npos) m_history += sql + ";\n";
}

TracedFile Tracer::trace_file(const std::string& path) {
    TracedFile file;
    file.path = path;
    file.report = analyze::analyze_file(path, m_options.analyze);
    if (file.report.error) {
        file.error = file.report.error;
        return file;
    }
    tool_runtime(file.report);
    std::vector<analyze::StatementFacts> predicted = predict(file.report);

    std::string db = m_base_db;
    if (m_options.isolated) {
        db = database_name("file");
        if (Status s = m_admin->execute("CREATE DATABASE " + db + " TEMPLATE " + m_base_db + owner_clause()); !s) {
            file.error = Error{"cannot copy the setup database: " + s.error().message, path, std::nullopt};
            return file;
        }
    }
    {
        // A new session per file, as a migration tool opens: no setting or cache carries over.
        auto session = Connection::open(sql_conninfo(db));
        auto observer = Connection::open(watch_conninfo(db));
        if (session) session->set_time_limit(m_options.statement_limit);
        if (!session || !observer) {
            file.error = Error{"cannot connect: " + (session ? observer.error() : session.error()).message, path, std::nullopt};
        } else {
            Target target{db, *session, *observer, !file.report.wrapped_in_transaction && !file.report.one_query};
            bool stopped = false;
            for (std::size_t i = 0; i < file.report.statements.size(); ++i) {
                const auto& facts = file.report.statements[i];
                TracedStatement s;
                s.index = static_cast<int>(i);
                s.start = facts.span.start;
                s.sql = facts.sql;
                s.predicted = predicted[i];
                s.static_risk = facts.risk;
                for (const auto& f : file.report.findings) {
                    if (f.statement == s.index) s.findings.push_back(f.rule);
                }
                if (stopped) {
                    s.verdict = Verdict::Skipped;
                    s.risk = s.static_risk;
                    s.note = "not run: an earlier statement of the file failed";
                } else if (run_deadline_passed()) {
                    // Never proven: the run stops here (trace_command reports the run failed).
                    stopped = true;
                    s.verdict = Verdict::Skipped;
                    s.risk = s.static_risk;
                    s.note = "not run: " + run_budget_text();
                } else if (facts.kind == "TransactionStmt") {
                    s.verdict = Verdict::StaticOnly;
                    s.risk = s.static_risk;
                    s.note = "not executed: the trace runs each statement in a transaction of its own";
                } else {
                    run(target, s);
                    stopped = s.verdict == Verdict::Error;
                    // A refused statement changed nothing: the analyzer's history leaves it out.
                    bool applied = !stopped && s.verdict != Verdict::NeedsSuperuser;
                    if (applied && !m_options.isolated) m_history += s.sql + ";\n";
                }
                file.statements.push_back(std::move(s));
            }
        }
    }
    if (m_options.isolated) (void)m_admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    return file;
}

void Tracer::run(Target& target, TracedStatement& s) {
    s.executed = true;
    auto fail = [&](const std::string& message, const std::string& sqlstate) {
        s.verdict = Verdict::Error;
        s.risk = s.static_risk;
        s.error = server_text(message);
        s.sqlstate = sqlstate;
    };
    if (Status b = target.session.execute("BEGIN"); !b) return fail(b.error().message, target.session.last_sqlstate());
    auto before = snapshot_catalog(target.session);
    if (!before) {
        (void)target.session.execute("ROLLBACK");
        return fail(before.error().message, "");
    }
    auto seen = observe_in_transaction(target.session, target.observer, s.sql);
    std::string state = target.session.last_sqlstate();
    if (!seen) {
        (void)target.session.execute("ROLLBACK");
        if (state == k_in_transaction_block) return run_autocommit(target, s);
        if (state == k_invalid_termination && target.alone) return run_autocommit(target, s);
        if (refused_for_privilege(s, seen.error().message, state)) return;
        return fail(seen.error().message, state);
    }
    auto after = snapshot_catalog(target.session);
    if (!after) {
        (void)target.session.execute("ROLLBACK");
        return fail(after.error().message, "");
    }
    // Deferred constraints are checked here: a failing COMMIT is the statement's error.
    if (Status c = target.session.execute("COMMIT"); !c) return fail(c.error().message, target.session.last_sqlstate());
    s.changes = diff_catalog(*before, *after);
    s.comparison = compare(s.predicted, *seen, false);
    judge(s);
}

void Tracer::run_autocommit(Target& target, TracedStatement& s) {
    s.outside_transaction = true;
    auto fail = [&](const std::string& message) {
        s.verdict = Verdict::Error;
        s.risk = s.static_risk;
        s.error = server_text(message);
    };
    auto before = snapshot_catalog(target.observer);
    if (!before) return fail(before.error().message);
    auto contention = plan_contention(s.predicted, target.observer);
    if (!contention) return fail(contention.error().message);
    std::string state;
    // The pins on the superuser's session: they run one fixed, fully qualified query (nothing the
    // repository planted is called), and only they may lock the catalog row that makes an
    // instant lock (DROP INDEX CONCURRENTLY's last ACCESS EXCLUSIVE) wait long enough to be seen.
    const std::string pins = m_instance.conninfo(target.db) + " options='-c search_path=pg_catalog'";
    auto seen = observe_autocommit(sql_conninfo(target.db), watch_conninfo(target.db), s.sql, *contention, &state, pins);
    if (!seen) {
        if (refused_for_privilege(s, seen.error().message, state)) return;
        return fail(seen.error().message);
    }
    auto after = snapshot_catalog(target.observer);
    if (!after) return fail(after.error().message);
    s.changes = diff_catalog(*before, *after);
    s.comparison = compare(s.predicted, *seen, true);
    judge(s);
}

}  // namespace pgfence::trace
