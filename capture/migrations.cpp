#include "capture/migrations.hpp"

#include <cctype>
#include <map>

namespace pgfence::capture {
namespace {

// The first word of a statement, lower-cased (comments before it skipped).
std::string first_word(std::string_view sql) {
    std::size_t i = 0;
    for (;;) {
        while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
        if (sql.substr(i, 2) == "--") {
            while (i < sql.size() && sql[i] != '\n') ++i;
        } else if (sql.substr(i, 2) == "/*") {
            std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            break;
        }
    }
    std::string w;
    while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && w.size() < 16) {
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++])));
    }
    return w;
}

bool ends_transaction(std::string_view sql) {
    const std::string w = first_word(sql);
    return w == "commit" || w == "end" || w == "rollback" || w == "abort";
}

std::string trimmed(std::string_view sql) {
    std::size_t end = sql.size();
    while (end > 0 && (std::isspace(static_cast<unsigned char>(sql[end - 1])) || sql[end - 1] == ';')) --end;
    return std::string(sql.substr(0, end));
}

// SET "name" TO 'value', quoted so that the text reads the same whatever it holds (both quotes
// doubled; a backslash is itself under standard_conforming_strings on, which holds until this SET
// of it has run).
std::string set_statement(const std::string& name, const std::string& value) {
    std::string out = "SET \"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += "\" TO '";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

}  // namespace

bool is_quiet_statement(std::string_view sql) {
    static const char* k_quiet[] = {"select", "show", "set", "reset", "begin", "start", "commit", "end", "rollback",
                                    "abort", "savepoint", "release", "discard", "deallocate", ""};
    const std::string w = first_word(sql);
    for (const char* q : k_quiet) {
        if (w == q) return true;
    }
    return false;
}

std::string CapturedMigration::text() const {
    std::string out;
    for (const auto& s : session_settings) out += s + ";\n";
    for (const auto& s : statements) out += s + ";\n";
    return out;
}

std::string CapturedMigration::label() const {
    if (!applied) return "session " + std::to_string(session) + ", after its last migration";
    std::string out(tool_name(applied->tool));
    out += " ";
    if (!applied->app.empty()) out += applied->app + ".";
    return out + applied->version;
}

std::vector<CapturedMigration> split_migrations(const std::vector<Session>& sessions) {
    std::vector<CapturedMigration> out;
    // Each migration runs once in a capture of an empty database: a version closed a second time
    // was forged (by the migration that sent it, or, when the forged write came first, by the one
    // that did), so both closes and what their sessions sent after them are unattributed.
    std::map<std::string, std::size_t> first_close;  // tool, app, version -> its index in `out`
    std::vector<std::size_t> forged_from;            // indexes in `out` from which a session is forged
    for (const auto& session : sessions) {
        std::vector<std::string> sets;
        for (const auto& [name, value] : session.settings) sets.push_back(set_statement(name, value));
        auto fresh = [&] {
            CapturedMigration m;
            m.session = session.id;
            m.session_settings = sets;
            m.unread_options = session.unread_options;
            return m;
        };
        CapturedMigration current = fresh();
        CapturedMigration* closed = nullptr;  // the last migration closed, while COMMIT may follow
        char status = 'I';                    // the server's status after the last statement
        auto start_if_needed = [&]() {
            if (current.statements.empty() && status == 'T' && !current.continues_transaction) {
                current.continues_transaction = true;
                current.statements.push_back("BEGIN");
            }
        };
        for (const auto& e : session.events) {
            if (e.skipped) continue;
            const char after = e.status_after != 0 ? e.status_after : status;
            if (!e.unreadable.empty()) {
                closed = nullptr;
                current.unreadable.push_back(&e);
                status = after;
                continue;
            }
            if (rewrites_history(e)) current.forged = true;
            if (auto applied = applied_by(e)) {
                current.applied = *applied;
                const std::string key = std::string(tool_name(applied->tool)) + '\n' + applied->app + '\n' + applied->version;
                if (auto [it, fresh_key] = first_close.emplace(key, out.size()); !fresh_key) {
                    forged_from.push_back(it->second);
                    current.forged = true;
                }
                if (current.forged) forged_from.push_back(out.size());
                ++current.bookkeeping;
                if (after == 'T') {
                    // Still inside the tool's transaction: this migration ends, the transaction goes on.
                    current.leaves_transaction_open = true;
                    current.statements.push_back("COMMIT");
                }
                out.push_back(std::move(current));
                closed = &out.back();
                current = fresh();
                status = after;
                continue;
            }
            if (is_bookkeeping(e.sql)) {
                if (current.forged) forged_from.push_back(out.size());
                ++(closed ? closed->bookkeeping : current.bookkeeping);
                status = after;
                continue;
            }
            // A COMMIT right after the bookkeeping write ends the migration it closed.
            if (closed && closed->leaves_transaction_open && ends_transaction(e.sql) && current.statements.empty()) {
                closed->statements.back() = trimmed(e.sql);
                closed->leaves_transaction_open = false;
                if (e.error) closed->failed.push_back(&e);
                status = after;
                continue;
            }
            closed = nullptr;
            start_if_needed();
            // A simple Query of several statements outside a transaction block runs them in one
            // implicit transaction (protocol-flow.html, "Multiple Statements in a Simple Query");
            // the server completed each (one CommandComplete apiece).
            const std::string word = first_word(e.sql);
            const bool implicit = e.kind == Event::Kind::query && e.status_before == 'I' && e.tags.size() > 1 &&
                                  word != "begin" && word != "start";
            if (implicit) current.statements.push_back("BEGIN");
            current.statements.push_back(trimmed(e.sql));
            if (implicit) current.statements.push_back("COMMIT");
            if (e.error) current.failed.push_back(&e);
            status = after;
        }
        if (current.forged) forged_from.push_back(out.size());
        if (!current.statements.empty() || !current.unreadable.empty() || current.forged) out.push_back(std::move(current));
    }
    for (const std::size_t from : forged_from) {
        if (from >= out.size()) continue;
        for (std::size_t i = from; i < out.size() && out[i].session == out[from].session; ++i) out[i].forged = true;
    }
    // A transaction that held only the tool's statements (ActiveRecord's BEGIN around its
    // schema_migrations insert after a migration with disable_ddl_transaction!) says nothing.
    for (auto& m : out) {
        auto& st = m.statements;
        for (std::size_t i = 0; i + 1 < st.size();) {
            const std::string a = first_word(st[i]);
            if ((a == "begin" || a == "start") && ends_transaction(st[i + 1])) {
                st.erase(st.begin() + static_cast<std::ptrdiff_t>(i), st.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            } else {
                ++i;
            }
        }
    }
    return out;
}

}  // namespace pgfence::capture
