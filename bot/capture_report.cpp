#include "bot/capture_report.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/model/catalog.hpp"
#include "analyze/model/volatile_builtins.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {
namespace {

// Findings and statements of a capture point at the migration's file, not into SQL text it does
// not hold: line 1, the file. The plan and the edits rewrite SQL, which the file is not.
void point_at_file(analyze::FileReport& f, const std::string& path) {
    const analyze::Position first{1, 1};
    f.path = path;
    for (auto& s : f.statements) {
        s.span.start = first;
        s.span.stop = first;
        for (auto* e : {&s.parse_error, &s.unanalysable}) {
            if (*e) (*e)->file = path;
        }
    }
    for (auto* list : {&f.findings, &f.suppressed}) {
        for (auto& finding : *list) {
            finding.start = first;
            finding.stop = first;
            finding.edit.reset();
        }
    }
    f.plan.reset();
}

// Built-ins that act beyond the statement although no finding shows it when the statement is
// analysed alone: set_config changes the session (its finding comes at the statement it weakens),
// and the ones volatile_builtins.cpp leaves to a rule wherever they are called. Advisory locks,
// clocks, random values and reads of state are not among them (Rails' pg_try_advisory_lock stays
// the tool's own).
bool acts_beyond(std::string_view name) {
    static constexpr std::string_view k_modelled[] = {
        "set_config", "nextval", "setval", "lo_unlink", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
        "pg_drop_replication_slot", "pg_replication_slot_advance", "pg_logical_slot_get_changes",
        "pg_logical_slot_get_binary_changes", "pg_replication_origin_drop", "pg_replication_origin_advance",
        "dblink", "dblink_exec", "dblink_open", "dblink_send_query", "pg_notify"};
    return std::find(std::begin(k_modelled), std::end(k_modelled), name) != std::end(k_modelled) ||
           !analyze::unmodelled_volatile_builtin(name).empty();
}

// Whether the statement calls a built-in that acts beyond it (or its calls cannot be listed).
bool calls_acting_builtin(const std::string& sql) {
    const analyze::ParsedStatement parsed = analyze::parse_statement(sql);
    if (parsed.stmt == nullptr) return true;
    const auto calls = analyze::function_calls_in(parsed.stmt);
    if (!calls) return true;
    return std::any_of(calls->begin(), calls->end(), [](const std::vector<std::string>& name) {
        std::string last = name.empty() ? std::string() : name.back();
        for (char& c : last) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return acts_beyond(last);
    });
}

// A tool's look at the catalog (Django's and SQLAlchemy's table lists, `select version()`,
// `show standard_conforming_strings`): a SELECT or SHOW that, analysed alone, reads nothing but
// the system catalogs, runs no function pgfence does not know, calls no built-in that acts beyond
// the statement (a set_config of lock_timeout from pg_settings: red team R86 F7) and has no
// finding. Not the application's migration: left out of it, and counted.
bool introspection(const std::string& sql, const analyze::AnalyzeOptions& options) {
    const auto first = sql.find_first_not_of(" \t\r\n(");
    if (first == std::string::npos) return false;
    std::string word;
    for (std::size_t i = first; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 8; ++i) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i])));
    }
    if (word != "select" && word != "show") return false;
    const analyze::FileReport f = analyze::analyze_text("pgfence-capture.sql", sql + ";\n", options);
    if (f.statements.size() != 1 || !f.findings.empty()) return false;
    const auto& s = f.statements.front();
    if (s.status != analyze::StatementStatus::Analyzed || s.runs_user_code || !s.rewrites.empty()) return false;
    if (calls_acting_builtin(sql)) return false;
    return std::all_of(s.locks.begin(), s.locks.end(), [](const analyze::LockFact& l) {
        return l.relation.starts_with("pg_catalog.") || l.relation.starts_with("information_schema.") ||
               (l.relation.starts_with("pg_") && l.relation.find('.') == std::string::npos);
    });
}

// Adds to `into` an unknown statement (the unknown-statement rule's finding) for what pgfence
// could not see in the capture: `text` is what it is about, `why` says what was not seen.
void add_unknown(analyze::FileReport& into, const std::string& text, const std::string& why, const analyze::AnalyzeOptions& options) {
    analyze::FileReport one =
        analyze::analyze_tool_settings(into.path, {}, options, text, {analyze::SettingUnknown{1, why, "captured statement"}});
    const int offset = static_cast<int>(into.statements.size());
    for (auto& st : one.statements) {
        st.index += offset;
        into.statements.push_back(std::move(st));
    }
    for (auto& finding : one.findings) {
        if (finding.statement >= 0) finding.statement += offset;
        into.findings.push_back(std::move(finding));
    }
}

}  // namespace

CaptureJudgement judge_capture(std::vector<capture::CapturedMigration>& migrations, const capture::MigrationFiles& files,
                               const std::string& where, const analyze::AnalyzeOptions& given, std::ostream& err) {
    // Captured SQL is plain SQL whatever the project's files are; no plan is offered for it.
    analyze::AnalyzeOptions options = given;
    options.input_format = analyze::orm::InputFormat::Sql;
    options.check_plans = false;
    CaptureJudgement out;
    analyze::Catalog catalog;  // what the earlier migrations built, as the server has it
    out.closed = static_cast<std::size_t>(
        std::count_if(migrations.begin(), migrations.end(), [](const capture::CapturedMigration& m) { return m.applied.has_value(); }));
    for (auto& m : migrations) {
        // Under the session's own settings (standard_conforming_strings off, say) a statement
        // alone may read otherwise than the server read it: none is set aside as a look.
        if (m.session_settings.empty()) {
            out.looked += static_cast<std::size_t>(std::erase_if(m.statements, [&](const std::string& sql) { return introspection(sql, options); }));
        }
        // A forged attribution (capture/migrations.hpp) is reported under its own name, never at
        // the file it claims, which may be the base branch's history that pr does not report.
        std::string path = m.applied && !m.forged ? files.find(*m.applied) : std::string();
        if (path.empty()) path = m.forged ? "<" + m.label() + ", forged bookkeeping>" : "<" + m.label() + ">";
        const std::string shown = annotate::printable(path);
        if (m.forged && !out.forged) {
            out.forged = true;
            out.unseen.push_back("the command rewrote the migration tool's record of applied migrations (a DELETE or UPDATE of it, "
                                 "or a version recorded twice): which migration sent which "
                                 "statement is not known from there on; those statements are reported under <... forged bookkeeping>");
        }
        if (m.applied && !m.forged && path.front() == '<') {
            err << "warning: " << shown << ": no file for this migration " << where << "; its findings are reported under its name\n";
            // A version of the project's own migrations that no file holds: the capture ran no
            // such migration (a made-up version, or one the base branch had and the pull request
            // deleted), so the write that recorded it is not the tool's word, and what it closed
            // may be any migration's. Another Django app's (an installed package's) is left as is.
            if (files.holds(*m.applied)) {
                out.unseen.push_back("the migration tool's record names " + annotate::printable(m.label()) +
                                     ", which no migration file " + where +
                                     " holds: the record may be forged, so which migration sent which statement is not known");
            }
        }
        for (const auto* e : m.unreadable) {
            out.unreadable = true;
            err << "error: " << shown << ": session " << m.session << ": " << annotate::printable(e->unreadable)
                << " (statement not analysed)\n";
        }
        for (const auto* e : m.failed) {
            out.failed_migration = true;
            err << "error: " << shown << ": the server rejected a statement: " << annotate::printable(e->error->message)
                << " (SQLSTATE " << annotate::printable(e->error->sqlstate) << "): "
                << annotate::printable(e->sql.substr(0, 200)) << "\n";
        }
        // Read as plain SQL under a name no tool's convention claims (the file's own name would
        // make it a Python or Ruby file, or a tool's SQL file wrapped as that tool wraps it); the
        // transactions are the ones the tool really made, in the text.
        const std::string text = m.text();
        analyze::FileReport f = analyze::analyze_text("pgfence-capture.sql", text, options, {}, catalog);
        point_at_file(f, path);
        // Each migration is judged as it deploys, on the schema the earlier ones left (as analyze
        // judges a file after its set's earlier files), even when the tool ran several in one
        // transaction here.
        catalog.hand_on(path);
        if (!m.applied && !m.forged && m.unreadable.empty() && f.findings.empty() &&
            std::all_of(m.statements.begin(), m.statements.end(), [](const std::string& s) { return capture::is_quiet_statement(s); })) {
            out.quiet += m.statements.size();
            continue;
        }
        // A statement that names a tool's table but is not its bookkeeping (a trigger or rule on
        // django_migrations, a DROP of schema_migrations): what it sets up runs when the tool
        // records a migration, which pgfence does not follow.
        for (const auto& sql : m.statements) {
            if (!capture::names_tool_table(sql)) continue;
            add_unknown(f, sql, "the statement names the migration tool's own table (" + annotate::printable(sql.substr(0, 120)) +
                                    "): what it does when the tool records a migration is not followed", options);
        }
        if (m.forged) {
            add_unknown(f, m.label(), "this migration's record was forged or follows a forged one in its session: what it sent "
                                      "may be any migration's, the pull request's included", options);
        }
        if (!m.unread_options.empty()) {
            add_unknown(f, m.unread_options, "the session's startup options hold switches pgfence does not read ('" +
                                                 annotate::printable(m.unread_options.substr(0, 120)) +
                                                 "'): what they change in how the server runs its statements is not known", options);
        }
        // A file two sessions' migrations name (a tool run twice) binds to both texts.
        out.captured_sql[path] += text;
        out.files.push_back(std::move(f));
    }
    if (out.closed == 0 && std::any_of(migrations.begin(), migrations.end(), [](const capture::CapturedMigration& m) {
            return !std::all_of(m.statements.begin(), m.statements.end(), [](const std::string& s) { return capture::is_quiet_statement(s); });
        })) {
        out.unseen.push_back("no migration tool's record of an applied migration was recognised (pgfence reads Rails', Django's, "
                             "Alembic's and Knex's under their default table names), so every statement the command sent was judged "
                             "as one migration: a table an earlier migration made counts as new, and its locks are not judged");
    }
    return out;
}

std::vector<std::string> run_unseen(const capture::RunFacts& run) {
    std::vector<std::string> out;
    if (run.bypassed_sessions > 0) {
        out.push_back(std::to_string(run.bypassed_sessions) + " session(s) reached the server without passing through "
                      "pgfence's proxy (the server's own port): what they sent, in any migration, is not known");
    } else if (run.bypass_unchecked) {
        out.push_back("the server does not count sessions (pg_stat_database.sessions, PostgreSQL 14 and later), so pgfence cannot "
                      "tell whether the command reached the database without passing through its proxy");
    }
    if (run.outlived_by > 0) {
        out.push_back(std::to_string(run.outlived_by) + " process(es) the command started were still running when it ended, and "
                      "were killed: what they would have sent is not known (the capture is incomplete)");
    }
    if (run.timed_out || !run.exited || run.exit_code != 0) {
        out.push_back(run.timed_out ? "the command ran past --timeout and was killed: the capture is incomplete"
                      : !run.exited ? "the command was killed by signal " + std::to_string(run.signal) + ": the capture is incomplete"
                                    : "the command exited with code " + std::to_string(run.exit_code) + ": the capture is incomplete");
    }
    return out;
}

void add_run_unknowns(std::vector<analyze::FileReport>& files, const std::vector<std::string>& unseen, const analyze::AnalyzeOptions& options) {
    if (unseen.empty()) return;
    analyze::FileReport whole;
    whole.path = "<capture>";
    for (const auto& why : unseen) add_unknown(whole, "", why, options);
    files.push_back(std::move(whole));
}

}  // namespace pgfence::bot
