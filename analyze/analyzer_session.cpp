// The session state a file's statements carry (SET, transactions) and reading a file whole (split from analyzer.cpp).
#include "analyze/analyzer_parts.hpp"
#include "analyze/model/attached_settings.hpp"
#include "analyze/model/body_settings.hpp"
#include "analyze/model/session_role.hpp"

namespace pgfence::analyze {

namespace analyzer_detail {
std::optional<std::string>* setting_slot(Settings& s, const std::string& name) {
    if (name == "lock_timeout") return &s.lock_timeout;
    if (name == "statement_timeout") return &s.statement_timeout;
    if (name == "idle_in_transaction_session_timeout") return &s.idle_in_transaction_session_timeout;
    if (name == "application_name") return &s.application_name;
    if (name == "timezone") return &s.timezone;
    if (name == "search_path") return &s.search_path;
    if (name == "session_replication_role") return &s.session_replication_role;
    if (name == "role") return &s.role;
    if (name == "session_authorization") return &s.session_authorization;
    return nullptr;
}

namespace {

// SET ROLE's value (NONE is no role), and SET SESSION AUTHORIZATION ending SET ROLE in the
// scope it has (session_role.hpp), after *now (and *at_commit when it lasts) took `value`.
std::optional<std::string> role_or_value(const std::string& name, const std::optional<std::string>& value) {
    return name == "role" ? role_value(value) : value;
}
void end_role_with_authorization(const std::string& name, SessionState& state, bool lasts) {
    if (name != "session_authorization") return;
    state.current.role.reset();
    if (lasts) state.committed.role.reset();
}

// RESET ALL leaves the role and the session authorization (GUC_NO_RESET_ALL; PostgreSQL 15, checked).
Settings after_reset_all(const Settings& s) {
    Settings out;
    out.role = s.role;
    out.session_authorization = s.session_authorization;
    return out;
}

}  // namespace

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The value as SHOW would give it. A list setting (search_path) quotes each element where it
// needs it, as flatten_set_variable_args does: SET search_path = 'a, b' names one schema "a, b".
std::string setting_value(const List* args, bool list) {
    std::string out;
    for (const pg::Node* arg : pg::each(args)) {
        std::string v;
        if (const A_Const* c = pg::as<A_Const>(arg); c != nullptr && !c->isnull) {
            if (c->val.node.type == T_Integer) v = std::to_string(c->val.ival.ival);
            else if (c->val.node.type == T_String) v = list ? quote_ident(pg::text(c->val.sval.sval)) : pg::text(c->val.sval.sval);
            else if (c->val.node.type == T_Float) v = pg::text(c->val.fval.fval);
        }
        out += (out.empty() ? "" : ", ") + v;
    }
    return out;
}

void apply_transaction(const TransactionStmt* stmt, SessionState& state, StatementFacts& facts) {
    std::string savepoint(pg::text(stmt->savepoint_name));
    switch (stmt->kind) {
        case TRANS_STMT_BEGIN:
        case TRANS_STMT_START:
            if (state.explicit_block) facts.notes.push_back("BEGIN inside a transaction block has no effect (PostgreSQL warns)");
            else state.begin();
            break;
        case TRANS_STMT_COMMIT:
            state.commit();
            if (state.commit_ends_base) state.base = Transaction::None;
            if (stmt->chain) state.begin();
            break;
        case TRANS_STMT_PREPARE:
            // The session leaves the transaction as at COMMIT (its SET values stay: PrepareTransaction
            // runs AtEOXact_GUC(true)), but nothing is committed: the prepare-transaction rule
            // reports the parked transaction and its locks.
            if (state.explicit_block || state.base != Transaction::None) state.prepared.insert(std::string(pg::text(stmt->gid)));
            state.commit();
            break;
        case TRANS_STMT_COMMIT_PREPARED:
        case TRANS_STMT_ROLLBACK_PREPARED:
            // Ends a transaction another session (or an earlier run) prepared: what it holds and
            // what committing it changes are not visible here.
            if (state.prepared.erase(std::string(pg::text(stmt->gid))) == 0) {
                facts.notes.push_back(std::string("not visible to static analysis: ") +
                                      (stmt->kind == TRANS_STMT_COMMIT_PREPARED ? "COMMIT" : "ROLLBACK") +
                                      " PREPARED of a transaction this file did not prepare: the locks it releases and "
                                      "the changes it " + (stmt->kind == TRANS_STMT_COMMIT_PREPARED ? "applies" : "discards") +
                                      " are not known");
                if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
            }
            break;
        case TRANS_STMT_ROLLBACK:
            if (state.explicit_block) state.rollback();
            if (state.commit_ends_base) state.base = Transaction::None;
            if (stmt->chain) state.begin();
            break;
        case TRANS_STMT_SAVEPOINT:
            state.open_savepoint(savepoint);
            break;
        case TRANS_STMT_ROLLBACK_TO:
            if (int at = state.find_savepoint(savepoint); at >= 0) {
                const auto& snap = state.savepoints[static_cast<std::size_t>(at)];
                state.current = snap.current;
                state.committed = snap.committed;
                state.close_savepoints(static_cast<std::size_t>(at) + 1);  // the savepoint stays
            }
            break;
        case TRANS_STMT_RELEASE:
            if (int at = state.find_savepoint(savepoint); at >= 0) {
                state.close_savepoints(static_cast<std::size_t>(at));  // and every later one
            }
            break;
        default:
            break;
    }
    facts.transaction = state.transaction();
    facts.savepoint_depth = state.savepoint_depth();
}

// set_config('name', 'value', is_local) (utils/misc/guc.c set_config_by_name) is SET name = 'value',
// or SET LOCAL when is_local is true: the settings pgfence follows are kept as SET keeps them.
// A followed setting (setting_slot) given a value or is_local pgfence cannot read is not known,
// nor is any name it cannot fold (lexing_change reports those).
void apply_set_config(const pg::Node* stmt, SessionState& state, StatementFacts& facts) {
    for (const SetConfig& call : read_set_configs(stmt)) {
        auto* now = setting_slot(state.current, call.name);
        auto* at_commit = setting_slot(state.committed, call.name);
        if (now == nullptr) continue;
        if ((!call.value && !call.reset) || !call.is_local) {
            facts.notes.push_back("not visible to static analysis: set_config of " + call.name + " with a value or is_local "
                                  "pgfence cannot read: what " + call.name + " is from here on is not known");
            if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
            continue;
        }
        if (*call.is_local && state.transaction() == Transaction::None) {
            facts.notes.push_back("set_config(..., true) outside a transaction lasts only for its own statement");
            continue;
        }
        *now = role_or_value(call.name, call.value);
        if (!*call.is_local) *at_commit = *now;
        end_role_with_authorization(call.name, state, !*call.is_local);
        if (call.name == "session_replication_role" && call.value && lower_ascii(*call.value) == "replica") {
            facts.notes.push_back("session_replication_role = replica (set_config): from here on, triggers and foreign-key "
                                  "checks do not fire for the rows this session writes (superuser only)");
        }
    }
}

namespace {

// lock_timeout and statement_timeout the bodies the statement ran set (body_settings.hpp): the
// statement itself runs, at least in part, under the weaker of its own and theirs; what persists
// (a session SET, or SET LOCAL inside a transaction) becomes the session's. A body that may not
// run leaves the weaker of the two; a value pgfence cannot read leaves the timeout unset.
void apply_body_settings(SessionState& state, StatementFacts& facts) {
    Settings own = *facts.settings;
    const std::size_t count = facts.notes.size();  // those it adds are not settings
    for (std::size_t i = 0; i < count; ++i) {
        std::optional<BodySetting> s = read_body_setting_note(facts.notes.begin()[i]);
        if (!s) continue;
        if (!s->known) {
            const std::string note = facts.notes.begin()[i];
            const std::size_t in = note.find(", in ");
            const std::string what = in == std::string::npos ? std::string("a body") : note.substr(in + 5);
            facts.notes.push_back("not visible to static analysis: " + what + " sets " + s->name + " to a value pgfence cannot read: what " + s->name + " is from here on is not known");
            if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
        }
        const std::optional<std::string> value = s->known ? s->value : std::nullopt;
        auto* here = setting_slot(own, s->name);
        *here = weaker_timeout(*here, value);
        if (s->scope == BodySetting::Scope::WhileRuns) continue;
        if (s->scope == BodySetting::Scope::Transaction && state.transaction() == Transaction::None) continue;
        auto* now = setting_slot(state.current, s->name);
        *now = s->maybe ? weaker_timeout(*now, value) : value;
        if (s->scope == BodySetting::Scope::Session) {
            auto* at_commit = setting_slot(state.committed, s->name);
            *at_commit = s->maybe ? weaker_timeout(*at_commit, value) : value;
        }
    }
    if (!(own == *facts.settings)) facts.settings = SharedSettings(own);
}

void apply_own_session(const pg::Node* stmt, SessionState& state, StatementFacts& facts) {
    if (const TransactionStmt* transaction = pg::as<TransactionStmt>(stmt)) {
        apply_transaction(transaction, state, facts);
        return;
    }
    // DISCARD ALL "resets the session to its initial state ... RESET ALL" (PostgreSQL docs, DISCARD).
    if (const auto* discard = pg::as<DiscardStmt>(stmt); discard != nullptr && discard->target == DISCARD_ALL) {
        state.current = Settings{};
        state.committed = Settings{};
        return;
    }
    const VariableSetStmt* set = pg::as<VariableSetStmt>(stmt);
    if (set == nullptr) {
        // CREATE MATERIALIZED VIEW runs its query as a security-restricted operation, restoring the
        // settings it changes (attached_settings.hpp).
        if (!restores_settings(stmt)) apply_set_config(stmt, state, facts);
        return;
    }
    std::string name(pg::text(set->name));
    // GUC names match in any case (guc.c guc_name_compare); the older settings keep their exact match.
    if (const std::string lowered = lower_ascii(name); lowered == "role" || lowered == "session_authorization") name = lowered;
    bool is_local = set->is_local;
    if (is_local && state.transaction() == Transaction::None) {
        facts.notes.push_back("SET LOCAL outside a transaction has no effect");
        return;
    }
    if (set->kind == VAR_RESET_ALL) {
        state.current = after_reset_all(state.current);
        state.committed = after_reset_all(state.committed);
        return;
    }
    auto* now = setting_slot(state.current, name);
    auto* at_commit = setting_slot(state.committed, name);
    if (now == nullptr) return;
    std::optional<std::string> value;
    if (set->kind == VAR_SET_VALUE) value = setting_value(set->args, name == "search_path");
    else if (set->kind != VAR_RESET && set->kind != VAR_SET_DEFAULT) return;
    *now = role_or_value(name, value);
    // RESET is never local; SET LOCAL (TO DEFAULT) lasts until the transaction ends.
    const bool lasts = !is_local || set->kind == VAR_RESET;
    if (lasts) *at_commit = *now;
    end_role_with_authorization(name, state, lasts);
    if (name == "session_replication_role" && value && lower_ascii(*value) == "replica") {
        facts.notes.push_back("session_replication_role = replica: from here on, triggers and foreign-key checks "
                              "do not fire for the rows this session writes (superuser only)");
    }
}

}  // namespace

void apply_session(const pg::Node* stmt, SessionState& state, StatementFacts& facts) {
    apply_own_session(stmt, state, facts);
    apply_body_settings(state, facts);
}

// File line where a DO statement's body text starts (after its opening quote).
int do_body_line(const StatementFacts& facts, const LineIndex& lines) {
    std::size_t quote = facts.sql.find('$');
    std::size_t single = facts.sql.find('\'');
    if (single < quote) quote = single;
    if (quote == std::string::npos) return facts.span.start.line;
    return lines.position(facts.span.begin + quote).line;
}

// The file, or its first limit + 1 bytes when it is longer (the caller refuses it by size).
std::string read_whole(const std::string& path, bool& ok, std::uint64_t limit, std::uint64_t* file_size) {
    // open, fstat, read, close: the fewest system calls per file (an ifstream seeks three times
    // and stats more), which matters when a run reads thousands of small files.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ok = fd >= 0;
    if (!ok) return {};
    struct stat st {};
    std::string text;
    const bool sized = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (file_size != nullptr) *file_size = sized ? static_cast<std::uint64_t>(st.st_size) : 0;
    if (sized && static_cast<std::uint64_t>(st.st_size) > limit) {
        ::close(fd);  // refused by its size: nothing to read
        return {};
    }
    // A regular file is read in one call of its known size (plus one byte, to see it grew past
    // the limit); a pipe or device has no size and is read in blocks.
    std::size_t block = sized ? static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), limit) + 1)
                              : std::size_t{64 * 1024};
    while (text.size() <= limit) {
        std::size_t at = text.size();
        text.resize(at + block);
        ssize_t got = ::read(fd, text.data() + at, block);
        if (got < 0 && errno == EINTR) {
            text.resize(at);
            continue;
        }
        if (got < 0) {
            int saved = errno;
            ::close(fd);
            errno = saved;
            ok = false;
            return {};
        }
        text.resize(at + static_cast<std::size_t>(got));
        // A short read of a regular file is its end.
        if (got == 0 || (sized && static_cast<std::size_t>(got) < block)) break;
    }
    ::close(fd);
    return text;
}
}  // namespace analyzer_detail

}  // namespace pgfence::analyze
