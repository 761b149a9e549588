#include "analyze/analyzer.hpp"
#include "analyze/rules/one_cause.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "analyze/alter_clauses.hpp"
#include "analyze/plan.hpp"
#include "analyze/migration_names.hpp"
#include "analyze/migration_order.hpp"
#include "analyze/catalog.hpp"
#include "analyze/function_calls.hpp"
#include "analyze/history.hpp"
#include "analyze/lexing_settings.hpp"
#include "analyze/set_config.hpp"
#include "analyze/heap.hpp"
#include "analyze/limits.hpp"
#include "analyze/model/empty_tables.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/names.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/path_parts.hpp"
#include "analyze/pg_parser.hpp"
#include "analyze/plpgsql.hpp"
#include "analyze/regular_file.hpp"
#include "analyze/rules/engine.hpp"
#include "analyze/tools/flyway_report.hpp"
#include "analyze/tools/flyway_settings.hpp"
#include "analyze/tools/folder_tool.hpp"
#include "analyze/tools/sqlx_crate.hpp"
#include "analyze/tools/temporal_manifest.hpp"
#include "analyze/source_text.hpp"
#include "analyze/splitter.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {
namespace {


// Session state carried from statement to statement within one file. Settings follow
// PostgreSQL's GUC stack: SET changes the value now and at commit, SET LOCAL only until the
// transaction ends; ROLLBACK (TO SAVEPOINT) restores what was in force when the transaction
// (savepoint) began.
// The key of SessionState::relexed for a change pgfence could not rule out (LexingChange::maybe).
constexpr const char* kMaybeRelexed = "?";

struct SessionState {
    struct Snapshot {
        std::string savepoint;  // empty for the transaction's start
        Settings current;
        Settings committed;
    };

    Transaction base = Transaction::None;  // Implicit when the tool wraps the file
    bool explicit_block = false;
    // What changed how the statements after it are read (lexing_settings.hpp), by setting.
    struct Relexing {
        std::string what;    // "SET standard_conforming_strings = off (line 3)"
        std::string at;      // the same with its file, for the next file (Catalog::relexed)
        bool local = false;  // by SET LOCAL: it ends with the transaction
    };
    std::map<std::string, Relexing> relexed;
    bool maybe_file_only = false;  // relexed[kMaybeRelexed] is not carried to the next file
    Settings current;    // in force now
    Settings committed;  // what COMMIT keeps: SET values, not SET LOCAL ones
    Snapshot at_begin;
    std::vector<Snapshot> savepoints;
    // The positions of the open savepoints of each name, innermost last: finding one is O(1)
    // however many are open (a file of 200,000 SAVEPOINTs stays linear).
    std::unordered_map<std::string, std::vector<std::size_t>> by_name;

    Transaction transaction() const { return explicit_block ? Transaction::Explicit : base; }
    int savepoint_depth() const { return static_cast<int>(savepoints.size()); }
    void begin() {
        explicit_block = true;
        at_begin = Snapshot{{}, current, committed};
    }
    void commit() {
        explicit_block = false;
        close_savepoints(0);
        current = committed;
    }
    void rollback() {
        explicit_block = false;
        close_savepoints(0);
        current = at_begin.current;
        committed = at_begin.committed;
    }
    void open_savepoint(const std::string& name) {
        by_name[name].push_back(savepoints.size());
        savepoints.push_back(Snapshot{name, current, committed});
    }
    // Keeps the first `keep` savepoints.
    void close_savepoints(std::size_t keep) {
        while (savepoints.size() > keep) {
            auto it = by_name.find(savepoints.back().savepoint);
            it->second.pop_back();
            if (it->second.empty()) by_name.erase(it);
            savepoints.pop_back();
        }
    }
    // The innermost open savepoint of that name, or -1.
    int find_savepoint(const std::string& name) const {
        auto it = by_name.find(name);
        return it == by_name.end() ? -1 : static_cast<int>(it->second.back());
    }
};

std::optional<std::string>* setting_slot(Settings& s, const std::string& name) {
    if (name == "lock_timeout") return &s.lock_timeout;
    if (name == "statement_timeout") return &s.statement_timeout;
    if (name == "idle_in_transaction_session_timeout") return &s.idle_in_transaction_session_timeout;
    if (name == "application_name") return &s.application_name;
    if (name == "timezone") return &s.timezone;
    if (name == "search_path") return &s.search_path;
    if (name == "session_replication_role") return &s.session_replication_role;
    return nullptr;
}

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
        case TRANS_STMT_PREPARE:
            state.commit();
            if (stmt->chain) state.begin();
            break;
        case TRANS_STMT_ROLLBACK:
            if (state.explicit_block) state.rollback();
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
        *now = call.value;
        if (!*call.is_local) *at_commit = call.value;
        if (call.name == "session_replication_role" && call.value && lower_ascii(*call.value) == "replica") {
            facts.notes.push_back("session_replication_role = replica (set_config): from here on, triggers and foreign-key "
                                  "checks do not fire for the rows this session writes (superuser only)");
        }
    }
}

void apply_session(const pg::Node* stmt, SessionState& state, StatementFacts& facts) {
    if (const TransactionStmt* transaction = pg::as<TransactionStmt>(stmt)) {
        apply_transaction(transaction, state, facts);
        return;
    }
    const VariableSetStmt* set = pg::as<VariableSetStmt>(stmt);
    if (set == nullptr) {
        apply_set_config(stmt, state, facts);
        return;
    }
    std::string name(pg::text(set->name));
    bool is_local = set->is_local;
    if (is_local && state.transaction() == Transaction::None) {
        facts.notes.push_back("SET LOCAL outside a transaction has no effect");
        return;
    }
    if (set->kind == VAR_RESET_ALL) {
        state.current = Settings{};
        state.committed = Settings{};
        return;
    }
    auto* now = setting_slot(state.current, name);
    auto* at_commit = setting_slot(state.committed, name);
    if (now == nullptr) return;
    std::optional<std::string> value;
    if (set->kind == VAR_SET_VALUE) value = setting_value(set->args, name == "search_path");
    else if (set->kind != VAR_RESET && set->kind != VAR_SET_DEFAULT) return;
    *now = value;
    // RESET is never local; SET LOCAL (TO DEFAULT) lasts until the transaction ends.
    if (!is_local || set->kind == VAR_RESET) *at_commit = value;
    if (name == "session_replication_role" && value && lower_ascii(*value) == "replica") {
        facts.notes.push_back("session_replication_role = replica: from here on, triggers and foreign-key checks "
                              "do not fire for the rows this session writes (superuser only)");
    }
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
std::string read_whole(const std::string& path, bool& ok, std::uint64_t limit, std::uint64_t* file_size = nullptr) {
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

// Checking reads the plan again as a whole: for a file of thousands of statements (generated
// SQL, not a migration a person splits by hand) that would double what the file costs, so such a
// file gets no plan, and none is composed (its units and text were a tenth of the file's memory).
constexpr std::size_t k_most_checked = 5000;

// A plan must leave the schema the original leaves, constraint names included. An unnamed
// UNIQUE, PRIMARY KEY or EXCLUDE whose usual name is taken gets the next free one, and which is
// free depends on every relation and constraint of the schema, more than the history shows for
// certain (a table dropped and created again, another schema's index of that name): "" when no
// statement has one, else why no plan is offered.
std::string constraint_name_taken(const FileReport& report) {
    for (const auto& s : report.statements) {
        for (const auto& note : s.notes) {
            auto names = read_taken_index_name_note(note);
            if (!names) continue;
            const auto& [usual, chosen] = *names;
            return "line " + std::to_string(s.span.start.line) + " adds a constraint without a name where " + usual +
                   " is taken: PostgreSQL gives it the next free name (" + chosen + " by what pgfence knows of the schema), which "
                   "depends on every index and constraint of the schema; a plan that names it otherwise leaves another schema. "
                   "Name it in the migration (ADD CONSTRAINT " + chosen + " ...) and a plan is offered";
        }
    }
    return {};
}

bool too_long_to_check(const FileReport& report, const AnalyzeOptions& options) {
    return options.check_plans && report.statements.size() > k_most_checked && plan_wanted(report);
}

// A plan that, analysed as it would run, still has a finding of a rule it claims to resolve
// or a new HIGH one is not offered: pgfence never flags its own plan (docs/plans.md). The
// check's findings are the plan's problems; what it keeps as written (no safe form) stays.
void decline_unsafe_plan(FileReport& report, const AnalyzeOptions& options, const std::shared_ptr<const Catalog>& before) {
    if (!options.check_plans || !report.plan || report.plan->steps.empty() || !report.plan->declined.empty()) return;
    PlanCheck check = check_plan(report, options, before);
    if (check.problems.empty()) {
        report.plan->kept = std::move(check.kept);
        return;
    }
    std::string problem = check.problems.front();
    for (std::string_view risk : {" (LOW): ", " (MEDIUM): ", " (HIGH): ", " (CRITICAL): "}) {
        // "Migration 2 (after the validation): rule (HIGH): message" -> up to the risk
        if (std::size_t at = problem.find(risk); at != std::string::npos) problem.resize(at + risk.size() - 2);
    }
    report.plan = no_plan("the plan composed for this file, analysed as it would run, still has " + problem +
                          ": make this change by hand, with the findings' advice");
}

// `DROP TABLE IF EXISTS x` before `CREATE TEMP TABLE x` (openmeter's dedupe migrations): when
// the schema holds no x, the DROP can only remove a temporary x this session left, which no
// other session sees, so its lock blocks no one. The model reads statements in order and cannot
// know then; this marks those locks new once the file is read, before the rules.
//
// Only where the schema is known whole: a history or schema was read (a file analysed alone
// may be a table's, for all pgfence knows) and no statement pgfence did not know ran, before or
// in the file (a table made by dynamic SQL is not in the catalog).
void temporary_drops(FileReport& report, const std::vector<const pg::Node*>& stmts, bool schema_known) {
    if (!schema_known) return;
    std::map<std::string, std::vector<std::size_t>> waiting;  // name as written -> DROPs of it
    for (std::size_t i = 0; i < stmts.size() && i < report.statements.size(); ++i) {
        if (report.statements[i].status != StatementStatus::Analyzed) return;
        if (const auto* drop = pg::as<DropStmt>(stmts[i]); drop != nullptr && drop->removeType == OBJECT_TABLE && drop->missing_ok) {
            for (const List* items : pg::each<List>(drop->objects)) {
                if (pg::length(items) != 1) continue;  // a schema named: not the session's temporary one
                std::string name = quote_ident(std::string(pg::last_name(items)));
                for (const LockFact& lock : report.statements[i].locks) {
                    if (lock.relation == name && lock.conditional && !lock.is_new) waiting[name].push_back(i);
                }
            }
            continue;
        }
        const RangeVar* made = nullptr;
        if (const auto* create = pg::as<CreateStmt>(stmts[i])) made = create->relation;
        if (const auto* as = pg::as<CreateTableAsStmt>(stmts[i]); as != nullptr && as->into != nullptr) made = as->into->rel;
        if (made == nullptr || made->schemaname != nullptr) continue;  // unqualified
        auto it = waiting.find(pg::display_name(made));
        if (it == waiting.end()) continue;
        const std::string line = std::to_string(report.statements[i].span.start.line);
        for (std::size_t j : it->second) {
            StatementFacts& drop = report.statements[j];
            for (LockFact& lock : drop.locks) {
                if (lock.relation != it->first) continue;
                lock.is_new = true;
                // Not TEMP (vaultwarden's add_archives: DROP TABLE IF EXISTS archives; CREATE
                // TABLE archives): no migration made the table, so the DROP does nothing and
                // PostgreSQL takes no lock; the CREATE makes it.
                lock.reason += made->relpersistence == 't'
                                   ? " (a temporary table: the schema has none of that name, and the file creates it TEMP at line " + line +
                                         ", so only this session's own can be dropped)"
                                   : " (no earlier migration made a table of that name, and the file creates it at line " + line +
                                         ": IF EXISTS makes this DROP do nothing)";
            }
        }
        waiting.erase(it);
    }
}

// Does a column of type `made` take every value the old release wrote to one of type `was`
// (canonical types): the same type, its serial spelling, a wider integer, or text from any
// string type.
bool takes_values_of(const std::string& made, const std::string& was) {
    if (made == was) return true;
    auto base = [](const std::string& t) { return t.substr(0, t.find('(')); };
    const std::string m = base(made), w = base(was);
    auto rank = [](const std::string& t) {
        return t == "int2" || t == "smallserial" || t == "serial2" ? 1
               : t == "int4" || t == "serial" || t == "serial4" ? 2
               : t == "int8" || t == "bigserial" || t == "serial8" ? 3
                                                                   : 0;
    };
    if (rank(m) > 0 && rank(w) > 0) return rank(m) >= rank(w);
    const bool string_was = w == "text" || w == "varchar" || w == "bpchar";
    return string_was && (made == "text" || made == "varchar");
}

// A DROP TABLE of an existing table that a later CREATE TABLE of the file makes again (a
// reset: vaultwarden's sso_nonce, dropped and made again with a column more): the note on the
// DROP says whether the old release's statements fit the new table, from the columns the table
// had when the file began (`start`) and those the CREATE gives it. Its rows are gone either way.
void recreated_tables(FileReport& report, const std::vector<const pg::Node*>& stmts, const Catalog& start) {
    // Types the file makes, drops or changes: a column of one may take other values now.
    bool types_changed = false;
    for (const pg::Node* node : stmts) {
        const auto* drop = pg::as<DropStmt>(node);
        types_changed = types_changed || pg::is<CreateEnumStmt>(node) || pg::is<AlterEnumStmt>(node) || pg::is<CompositeTypeStmt>(node) ||
                        pg::is<CreateDomainStmt>(node) || pg::is<AlterDomainStmt>(node) ||
                        (drop != nullptr && (drop->removeType == OBJECT_TYPE || drop->removeType == OBJECT_DOMAIN));
    }
    for (std::size_t i = 0; i < stmts.size() && i < report.statements.size(); ++i) {
        const auto* drop = pg::as<DropStmt>(stmts[i]);
        if (drop == nullptr || drop->removeType != OBJECT_TABLE) continue;
        for (const List* items : pg::each<List>(drop->objects)) {
            const std::string name = pg::qualified_name(items);
            const RelationInfo* old = start.find(std::string(pg::last_name(items)));
            // The table the DROP names, as far as the catalog can tell: one of another schema
            // under the same name is not it (red team: audit.stats against public.stats).
            if (old == nullptr || old->kind != "table" || old->columns.empty() || old->display != name) continue;
            const CreateStmt* create = nullptr;
            std::string copy;  // a table the file made and renames into the name (a copy and swap)
            std::size_t at = i + 1;
            for (; at < stmts.size(); ++at) {
                const auto* c = pg::as<CreateStmt>(stmts[at]);
                if (c != nullptr && c->relation != nullptr && pg::display_name(c->relation) == name) {
                    create = c;
                    break;
                }
                const auto* r = pg::as<RenameStmt>(stmts[at]);
                if (r == nullptr || r->renameType != OBJECT_TABLE || r->relation == nullptr || r->newname == nullptr ||
                    pg::last_name(items) != r->newname) {
                    continue;
                }
                // Its CREATE TABLE, earlier in the file.
                const std::string made = pg::display_name(r->relation);
                for (std::size_t k = at; k-- > 0 && create == nullptr;) {
                    const auto* c2 = pg::as<CreateStmt>(stmts[k]);
                    if (c2 != nullptr && c2->relation != nullptr && pg::display_name(c2->relation) == made) create = c2;
                }
                if (create != nullptr) copy = made;
                break;
            }
            if (create == nullptr) continue;
            const int line = static_cast<int>(report.statements[at].span.start.line);
            std::vector<std::string> misfits;
            // What makes the new table another kind of table, or the gap between them visible.
            if (drop->behavior == DROP_CASCADE) misfits.push_back("CASCADE drops what depends on it for good");
            if (create->relation->relpersistence == 't') misfits.push_back("the new one is TEMP, gone when the session ends");
            if (create->partspec != nullptr) misfits.push_back("the new one is partitioned, with no partition to take rows");
            if (create->inhRelations != nullptr || create->partbound != nullptr || create->ofTypename != nullptr) {
                misfits.push_back("the new one inherits or is a partition");
            }
            const auto& st = report.statements;
            bool one_transaction = st[i].transaction != Transaction::None && st[at].transaction != Transaction::None;
            for (std::size_t k = i + 1; k < at && one_transaction; ++k) one_transaction = st[k].kind != "TransactionStmt";
            if (!one_transaction) misfits.push_back("it is made in another transaction, so the table is missing in between");
            if (types_changed) misfits.push_back("the file changes types its columns may use");
            // What the file does to it afterwards is not compared: anything but an index on it.
            for (std::size_t k = at + 1; k < st.size() && k < stmts.size(); ++k) {
                if (pg::is<IndexStmt>(stmts[k]) || pg::is<CommentStmt>(stmts[k]) || pg::is<GrantStmt>(stmts[k])) continue;
                // Another table's foreign key to it locks it without changing it.
                if (const auto* alter = pg::as<AlterTableStmt>(stmts[k]);
                    alter != nullptr && alter->relation != nullptr && pg::display_name(alter->relation) != name) {
                    continue;
                }
                bool names_it = std::any_of(st[k].locks.begin(), st[k].locks.end(), [&](const LockFact& l) { return l.relation == name; });
                if (names_it) {
                    misfits.push_back("line " + std::to_string(st[k].span.start.line) + " changes the new table again");
                    break;
                }
            }
            struct Made {
                std::string type;
                bool not_null = false;
                bool has_default = false;
                bool fixed = false;  // generated, or identity ALWAYS: the old release cannot write it
            };
            std::map<std::string, Made> made;
            std::vector<std::string> primary_key;
            for (const pg::Node* element : pg::each(create->tableElts)) {
                if (const auto* con = pg::as<Constraint>(element)) {
                    if (con->contype == CONSTR_PRIMARY) {
                        for (const pg::Node* k : pg::each(con->keys)) primary_key.emplace_back(pg::text(k));
                    } else {
                        misfits.push_back("the new one has a table constraint the old one may not have had");
                    }
                    continue;
                }
                const auto* column = pg::as<ColumnDef>(element);
                if (column == nullptr) {
                    misfits.push_back("the new one copies another table (LIKE)");
                    continue;
                }
                Made m;
                m.type = canonical_type(column->typeName);
                m.not_null = column->is_not_null;
                m.has_default = column->raw_default != nullptr || column->identity != 0 || column->generated != 0;
                m.fixed = column->generated != 0 || column->identity == 'a';
                for (const Constraint* con : pg::each<Constraint>(column->constraints)) {
                    m.not_null = m.not_null || con->contype == CONSTR_NOTNULL || con->contype == CONSTR_PRIMARY;
                    m.has_default = m.has_default || con->contype == CONSTR_DEFAULT || con->contype == CONSTR_IDENTITY ||
                                    con->contype == CONSTR_GENERATED;
                    m.fixed = m.fixed || con->contype == CONSTR_GENERATED ||
                              (con->contype == CONSTR_IDENTITY && con->generated_when == 'a');
                    if (con->contype == CONSTR_PRIMARY) primary_key.emplace_back(pg::text(column->colname));
                    // A foreign key the old table had too (same column, same table): nothing new.
                    bool kept_key = false;
                    if (con->contype == CONSTR_FOREIGN && con->pktable != nullptr) {
                        const std::string target(pg::relname(con->pktable));
                        for (const auto& [fk_name, fk] : old->foreign_keys) {
                            kept_key = kept_key || (fk.target == target && fk.columns.size() == 1 &&
                                                    fk.columns.front() == pg::text(column->colname));
                        }
                    }
                    if (!kept_key && (con->contype == CONSTR_CHECK || con->contype == CONSTR_UNIQUE || con->contype == CONSTR_FOREIGN ||
                                      con->contype == CONSTR_EXCLUSION)) {
                        misfits.push_back("new constraint on " + quote_ident(std::string(pg::text(column->colname))));
                    }
                }
                const std::string_view base = m.type;
                m.has_default = m.has_default || base == "serial" || base == "bigserial" || base == "smallserial" ||
                                base == "serial4" || base == "serial8" || base == "serial2";
                made[std::string(pg::text(column->colname))] = m;
            }
            for (const auto& k : primary_key) made[k].not_null = true;  // a PRIMARY KEY's columns are NOT NULL
            std::vector<std::string> old_key(old->primary_key.begin(), old->primary_key.end());
            if (!primary_key.empty() && primary_key != old_key) misfits.push_back("its primary key is another");
            // The old table's other unique keys (ON CONFLICT targets, duplicates refused) are gone.
            for (const auto& [relname, rel] : start.relations()) {
                if (rel->kind != "index" || rel->index_table != old->relname || !rel->index || !rel->index->unique) continue;
                std::vector<std::string> keys(rel->index->keys.begin(), rel->index->keys.end());
                if (keys == old_key) continue;
                misfits.push_back("its unique index " + quote_ident(rel->relname) + " is not made again with it");
                break;
            }
            std::set<std::string> old_names;
            for (const ColumnInfo& c : old->columns) {
                old_names.insert(c.name);
                auto it = made.find(c.name);
                if (it == made.end()) {
                    misfits.push_back(quote_ident(c.name) + " is gone");
                } else if (!takes_values_of(it->second.type, c.type)) {
                    misfits.push_back(quote_ident(c.name) + " changes type from " + c.type + " to " + it->second.type);
                } else if (it->second.not_null && !c.not_null) {
                    misfits.push_back(quote_ident(c.name) + " becomes NOT NULL");
                } else if (it->second.fixed) {
                    misfits.push_back(quote_ident(c.name) + " becomes generated or an identity ALWAYS");
                }
            }
            for (const auto& [column, m] : made) {
                if (old_names.count(column) == 0 && m.not_null && !m.has_default) {
                    misfits.push_back("new column " + quote_ident(column) + " is NOT NULL without a default");
                }
            }
            std::string how;
            for (const auto& m : misfits) how += (how.empty() ? "" : ", ") + m;
            if (how.empty()) how = "every column it had, each taking the values it took; its new columns take NULL or a default";
            report.statements[i].notes.push_back(recreated_note(name, line, misfits.empty(), how, copy));
        }
    }
}

// Why a Rails, Django or Alembic migration (or any Ruby or Python file) is not read, and what to
// analyse instead; nothing for other files.
std::optional<std::string> not_read_yet(std::string_view path, std::string_view text) {
    auto ends = [&](std::string_view suffix) {
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const std::string_view head = text.substr(0, 64 * 1024);
    if (ends(".rb")) {
        return std::string(
            "a Rails migration (Ruby): not read yet. pgfence reads SQL: give db/structure.sql as --schema for the existing "
            "schema, and analyse the SQL the migration runs as a .sql file (the statements `rails db:migrate` logs)");
    }
    if (ends(".py")) {
        if (head.find("alembic") != std::string_view::npos) {
            return std::string(
                "an Alembic migration (Python): not read yet. Analyse the SQL Alembic prints in offline mode: "
                "`alembic upgrade REV --sql | pgfence analyze - --stdin-filename NAME.sql`");
        }
        if (head.find("django") != std::string_view::npos) {
            return std::string(
                "a Django migration (Python): not read yet. Analyse the SQL Django prints for it: "
                "`python manage.py sqlmigrate APP NAME | pgfence analyze - --stdin-filename NAME.sql`");
        }
        return std::string("a Python file: not read (pgfence reads SQL files and TypeORM, Knex, Sequelize and db-migrate scripts)");
    }
    return std::nullopt;
}

FileReport analyze_text_here(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment) {
    // What the file starts from (a copy shares the relations until one changes): a plan is
    // checked from there.
    auto before = options.run_rules && options.check_plans ? std::make_shared<const Catalog>(catalog) : nullptr;
    // The tables as the file found them, for a DROP TABLE the file follows with a CREATE.
    auto start = before != nullptr ? before : options.run_rules ? std::make_shared<const Catalog>(catalog) : nullptr;
    // Not when the set holds migrations pgfence does not read (goose's .go, Flyway's .java beside
    // the SQL): one of them may have made the table (red team: a goose .go CREATE TABLE x, then
    // DROP TABLE IF EXISTS x; CREATE TABLE x in SQL, was taken for a DROP of nothing).
    bool unread_siblings = false;
    // Only the set's unread files are looked at (usually none): a walk of every sibling per file
    // was quadratic in the set's size.
    if (options.known_migrations != nullptr && !options.known_migrations->empty()) {
        if (const auto* unread = options.known_migrations->unread_in_set(migration_set(path))) {
            const std::string self = absolute_path(std::filesystem::path(path)).lexically_normal().generic_string();
            for (std::size_t i : *unread) unread_siblings = unread_siblings || options.known_migrations->paths()[i] != self;
        }
    }
    const bool schema_known = !catalog.relations().empty() && !catalog.unknown_seen() && !unread_siblings;  // temporary_drops
    FileReport report;
    report.path = path;
    // NUL bytes in the first 8 KB, as git tests for a binary file (eight of them, so that a
    // migration with a stray NUL in a string is still read and its findings still shown): no
    // migration, whatever its name says; read as SQL it would only print its bytes back.
    const std::string_view head = text.substr(0, 8000);
    if (std::count(head.begin(), head.end(), '\0') >= 8) {
        report.skipped = true;
        report.skip_reason = "binary file, not analysed";
        return report;
    }
    // Migrations written in Ruby or Python: their SQL is built by the framework at run time, and
    // read as SQL they would be one unparsable statement. Said in one line, with the SQL that can
    // be analysed instead.
    if (auto why = not_read_yet(path, text)) {
        report.skipped = true;
        report.skip_reason = *why;
        return report;
    }
    // ORM migrations (.ts/.js): the statements their calls send, spans in the script.
    orm::InputFormat format = orm::resolve_format(path, text, options.input_format);
    bool script = format != orm::InputFormat::Sql;
    orm::Extraction extraction;
    std::vector<orm::OrmStatement> orm_statements;
    PreparedSource source;
    if (script) {
        extraction = orm::extract(text, format, options.direction, path);
        report.source_kind = std::string(orm::input_format_name(format));
        report.script_module = extraction.form.module;
        report.context_parameter = extraction.form.context_parameter;
        report.script_unsupported = extraction.form.unsupported;
        report.script_transaction = extraction.transaction_name;
        source.wrapped_in_transaction = extraction.wrapped_in_transaction;
        source.skipped = extraction.skipped;
        source.skip_reason = extraction.skip_reason;
        source.notes = extraction.notes;
        orm_statements = orm::split(extraction);
    } else {
        source = prepare_source(path, text, options.direction, sibling_metadata);
        // pop's names are popx's (ory/x) too: a set with a `.autocommit` file is popx's, which
        // runs its other files in a transaction each, as pop does; a set with a dialect's file
        // (`.postgres.up.sql`, `.mysql.up.sql`) or a `.fizz` one is pop's. Of a version's files
        // pop and popx run the PostgreSQL one, else the one without a dialect
        // (popx migration_info.go SortAndFilter): the latter is skipped when the former exists.
        PopName self;
        const std::string self_name = lower_ascii(path_name(path));
        if ((source.tool == MigrationTool::Pop || source.tool == MigrationTool::GolangMigrate ||
             source.tool == MigrationTool::Popx) && options.known_migrations != nullptr &&
            pop_name(self_name, self)) {
            bool popx = source.tool == MigrationTool::Popx;
            bool pop = source.tool == MigrationTool::Pop;
            bool replaced = false;
            for (const auto& sibling : set_siblings(path, options.known_migrations)) {
                std::string name = lower_ascii(path_name(sibling));
                PopName other;
                if (!pop_name(name, other)) continue;
                popx = popx || other.autocommit;
                pop = pop || !other.dialect.empty() || name.ends_with(".fizz");
                replaced = replaced || (self.dialect.empty() && postgres_dialect(other.dialect) &&
                                        other.version == self.version && other.down == self.down);
            }
            if (replaced) {
                source.skipped = true;
                source.skip_reason = std::string(popx ? "popx" : "pop") +
                                     ": this version has a .postgres. file, which runs on PostgreSQL instead of this one";
            }
            if (source.tool != MigrationTool::Popx && (popx || pop)) {
                source.tool = popx ? MigrationTool::Popx : MigrationTool::Pop;
                source.wrapped_in_transaction = true;
                source.one_query = false;
                std::erase_if(source.notes, [](const std::string& n) { return n.starts_with("golang-migrate:"); });
            }
        }
    }
    report.tool = source.tool;
    report.wrapped_in_transaction = source.wrapped_in_transaction;
    report.skipped = source.skipped;
    report.skip_reason = source.skip_reason;
    if (source.skipped) return report;

    LineIndex lines(text);
    model::Context up_ctx{options.pg_version, catalog, options.known_schema, {}, {}, {}, {}};
    // A down migration's statements run after the up ones, on the schema those built, but what
    // they change is not what the next migration finds: they run in a trial of the catalog,
    // undone before an up statement and when the file ends, however it ends (a file with no
    // down part costs nothing).
    struct UndoTrial {
        Catalog& catalog;
        ~UndoTrial() { catalog.undo_trial(); }
    } undo_trial{catalog};
    std::optional<model::Context> down_ctx;
    auto context_for = [&](bool down) -> model::Context& {
        if (!down) {
            catalog.undo_trial();
            return up_ctx;
        }
        catalog.begin_trial();
        if (!down_ctx) down_ctx.emplace(model::Context{options.pg_version, catalog, options.known_schema, up_ctx.reshaped, {}, {}, {}});
        return *down_ctx;
    };
    SessionState state;
    // The settings in force, as the statements hold them: one copy until they change.
    SharedSettings shared;
    auto shared_settings = [&] {
        if (!(*shared == state.current)) shared = SharedSettings(state.current);
        return shared;
    };
    std::optional<std::string> search_path_value;  // the one `search_path` was read from
    state.base = source.wrapped_in_transaction ? Transaction::Implicit : Transaction::None;
    // A reading setting an earlier file of the run left on the connection: golang-migrate runs
    // every file of a run on one connection (database/postgres/postgres.go WithInstance:
    // instance.Conn(ctx), then Run: p.conn.ExecContext), and goose, dbmate and Flyway run them one
    // after another on their connection or pool, which hands the same idle connection back.
    for (const auto& [setting, what] : catalog.relexed()) state.relexed[setting] = SessionState::Relexing{what, what, false};
    std::vector<const pg::Node*> stmts;         // the typed statements, parallel too (null: none)
    std::vector<bool> down_part;                // parallel too: from a down/undo part
    std::shared_ptr<void> arena = new_parse_arena();  // their owner
    // Statements of the functions the file's statements call, for the rules (function_calls.hpp).
    std::vector<rules::CalledStatement> called;
    CallFollower calls(arena, options.run_rules ? &called : nullptr);
    calls.set_start(start.get());

    // How many statements each region holds, counted first: the facts are then allocated once,
    // and the statements are analysed as the splitter finds them (for_each_statement), so that
    // a file of a million statements never holds their list beside their facts.
    std::vector<std::size_t> region_statements;
    std::size_t sql_statements = 0;
    for (const Region& region : source.regions) {
        std::size_t n = 0;
        for_each_statement(source.text, region, [&](const RawStatement&) {
            ++n;
            return true;
        });
        region_statements.push_back(n);
        sql_statements += n;
    }
    // PostgreSQL runs a multi-statement query as one implicit transaction; a single
    // statement sent alone (a Prisma migration with one CREATE INDEX CONCURRENTLY) is not.
    // A tool that sends a file as one query sends each region as one (dbmate's up and down
    // sections go apart).
    bool several = source.one_query && std::any_of(region_statements.begin(), region_statements.end(), [](std::size_t n) { return n > 1; });
    if (source.one_query && !several) {
        report.wrapped_in_transaction = false;
        state.base = Transaction::None;
        std::erase_if(source.notes, [](const std::string& note) { return note.find("multi-statement query") != std::string::npos; });
    }
    report.one_query = several;
    if (!deployment.empty()) {
        report.deployment_transaction = deployment;
        report.one_query = false;
        report.wrapped_in_transaction = true;
        state.base = Transaction::Implicit;
        source.notes.assign(1, deployment + ": this file runs inside the deployment's one transaction, with the files "
                                            "before and after it: its locks are held until the last file ends");
    }
    // One statement through the parser, the lock model and the session state; `where` maps
    // an offset in parse_text to its position in the file.
    std::vector<std::string> search_path;
    auto analyse = [&](StatementFacts& facts, std::string_view parse_text, bool down, auto where) {
        facts.index = static_cast<int>(report.statements.size());
        facts.transaction = state.transaction();
        facts.savepoint_depth = state.savepoint_depth();
        facts.settings = shared_settings();
        if (state.current.search_path != search_path_value) {
            search_path_value = state.current.search_path;
            search_path = search_path_value ? search_path_schemas(*search_path_value) : std::vector<std::string>{};
        }
        model::Context& ctx = context_for(down);
        if (ctx.search_path != search_path) ctx.search_path = search_path;
        ParsedStatement parsed = parse_statement(parse_text, arena);
        if (parsed.failure) {
            facts.status = StatementStatus::Unparsable;
            Error err;
            err.file = path;
            err.message = parsed.failure->message;
            err.where = where(parsed.failure->offset);
            facts.parse_error = std::move(err);
            model::register_unparsed_create(parse_text, facts, ctx);
            model::keep_empty_tables(nullptr, facts, ctx, false);
        } else {
            facts.kind = pg::kind_name(parsed.stmt);
            if (const DoStmt* block = pg::as<DoStmt>(parsed.stmt)) {
                model_do_block(block, facts, ctx, do_body_line(facts, lines), &calls.do_block_hooks(ctx));
            } else {
                model::model_statement(parsed.stmt, facts, ctx);
                record_function(parsed.stmt, parse_text, ctx.catalog);
                calls.follow(parsed.stmt, facts, ctx);
            }
            apply_session(parsed.stmt, state, facts);
            model::use_empty_tables(facts, ctx);
            model::keep_empty_tables(parsed.stmt, facts, ctx, state.transaction() != Transaction::None);
            // Where each subcommand is, for the findings about one of them (a statement of one
            // subcommand is its own span).
            const auto* alter = pg::as<AlterTableStmt>(parsed.stmt);
            if (options.run_rules && alter != nullptr && pg::length(alter->cmds) > 1) {
                for (const AlterClause& c : alter_clauses(parse_text, alter)) {
                    facts.subcommands.push_back(PartSpan{where(c.first), where(c.last)});
                }
            }
        }
        // A setting that changes how the server reads the statements after it: those are not
        // what pgfence parsed, and the change itself reaches the next files on the connection.
        // After a change pgfence could not rule out (kMaybeRelexed), the statements read the same
        // under either value until one reads differently: from that one on, it is as if made.
        if (auto maybe = state.relexed.find(kMaybeRelexed);
            maybe != state.relexed.end() && !state.relexed.contains("standard_conforming_strings") && reads_differently(parse_text)) {
            state.relexed["standard_conforming_strings"] = maybe->second;
        }
        std::string read_after;
        for (const auto& [setting, r] : state.relexed) {
            if (setting != kMaybeRelexed) read_after += (read_after.empty() ? "" : " and ") + r.what;
        }
        // A statement pgfence did not follow may have set either setting (by a name it does not
        // show: EXECUTE, a function whose body is not in the repository).
        if (facts.status != StatementStatus::Analyzed && read_after.empty() && !state.relexed.contains(kMaybeRelexed)) {
            const std::string line = std::to_string(facts.span.start.line);
            const std::string what = "a statement pgfence did not follow, which may change standard_conforming_strings or client_encoding";
            // Within this file only: an unknown statement is common (an extension's DDL, a call of
            // a function the repository does not show), and it is reported already.
            state.relexed[kMaybeRelexed] = SessionState::Relexing{what + " (line " + line + ")", what + " (" + path + ", line " + line + ")", true};
            state.maybe_file_only = true;
        }
        if (!parsed.failure) {
            LexingChange change = lexing_change(parsed.stmt, parse_text);
            if (change.maybe) {
                const std::string line = std::to_string(facts.span.start.line);
                if (!state.relexed.contains(kMaybeRelexed) || state.maybe_file_only) {
                    state.relexed[kMaybeRelexed] = SessionState::Relexing{change.what + " (line " + line + ")",
                                                                          change.what + " (" + path + ", line " + line + ")", false};
                    state.maybe_file_only = false;
                }
                facts.notes.push_back("not visible to static analysis: " + change.what + "; the statements after it that "
                                      "PostgreSQL would read otherwise with standard_conforming_strings off or another "
                                      "client_encoding (a backslash in a quoted string) are not known");
            }
            if (change.unnamed_setting) {
                facts.notes.push_back("not visible to static analysis: set_config of a setting whose name pgfence cannot "
                                      "fold (it may be session_replication_role, search_path, role ...): what it changes is not known");
                if (facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
            }
            if (change.changes) {
                const std::string line = std::to_string(facts.span.start.line);
                const auto* set = pg::as<VariableSetStmt>(parsed.stmt);
                state.relexed[change.setting] = SessionState::Relexing{change.what + " (line " + line + ")",
                                                                       change.what + " (" + path + ", line " + line + ")",
                                                                       set != nullptr && set->is_local};
            }
            // Each setting is put back on its own (client_encoding = UTF8 leaves the strings off).
            if (change.restores && change.setting.empty()) state.relexed.clear();  // the maybe too
            else if (change.restores) state.relexed.erase(change.setting);
            if (change.changes) {
                facts.notes.push_back("not visible to static analysis: " + change.what + " changes how PostgreSQL reads the string "
                                      "literals of every statement after it on this connection (this file's and the next files')");
            }
            if (change.changes && facts.status == StatementStatus::Analyzed) facts.status = StatementStatus::Unknown;
        }
        if (!read_after.empty()) {
            // One pgfence cannot parse may be valid to the server ('it\'s' with the setting off):
            // no syntax error is claimed, the statement is unknown like the others.
            if (facts.status == StatementStatus::Unparsable) facts.parse_error.reset();
            facts.status = StatementStatus::Unknown;
            facts.notes.push_back("not visible to static analysis: after " + read_after + ", PostgreSQL reads this statement's text "
                                  "otherwise than pgfence parsed it (standard_conforming_strings on, UTF8): what it runs is not known");
        }
        model::track_fills(parsed.failure ? nullptr : parsed.stmt, facts, ctx, facts.span.start.line);
        if (facts.status != StatementStatus::Analyzed) ctx.catalog.mark_unknown();
        const pg::Node* kept = parsed.failure ? nullptr : parsed.stmt;
        // A SELECT of constants: no other statement needs its tree (pg_parser.hpp), and its rules
        // parse it again from facts.sql, so that must be the very text parsed here.
        if (kept != nullptr && is_constant_select(kept) && facts.sql == parse_text) {
            release_constant_select(kept);
            kept = constant_select_stand_in();
        }
        stmts.push_back(kept);
        down_part.push_back(down);
        report.statements.push_back(std::move(facts));
    };
    // Sized once: a vector that doubles holds its old and new buffers at once, and a file of a
    // million short statements would peak at twice its facts.
    report.statements.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    stmts.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    down_part.reserve(sql_statements + orm_statements.size() + source.refusals.size());
    // A line that makes the tool refuse the file (tool_markers.hpp): what runs is then not what
    // pgfence reads, so the line is an unknown statement of its own, before the statement it precedes.
    std::size_t next_refusal = 0;
    auto refusals_before = [&](std::size_t offset) {
        for (; next_refusal < source.refusals.size() && source.refusals[next_refusal].offset <= offset; ++next_refusal) {
            ToolRefusal r = source.refusals[next_refusal];
            // At the end of the text (what the file lacks): its last line that holds anything.
            if (r.offset >= text.size()) {
                std::size_t last = text.find_last_not_of(" \t\r\n");
                std::size_t nl = last == std::string_view::npos ? std::string_view::npos : text.rfind('\n', last);
                r.offset = nl == std::string_view::npos ? 0 : nl + 1;
            }
            std::size_t end = text.find('\n', r.offset);
            if (end == std::string_view::npos) end = text.size();
            if (end > r.offset && text[end - 1] == '\r') --end;
            StatementFacts facts;
            facts.index = static_cast<int>(report.statements.size());
            facts.span.begin = r.offset;
            facts.span.end = end;
            facts.span.start = lines.position(r.offset);
            facts.span.stop = lines.position(end > r.offset ? end - 1 : r.offset);
            facts.sql = std::string(text.substr(r.offset, end - r.offset));
            facts.status = StatementStatus::Unknown;
            facts.tag = std::string(tool_name(source.tool)) + " marker";
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.notes.push_back("not visible to static analysis: " + r.why);
            facts.unanalysable = Error{r.why, path, facts.span.start};
            stmts.push_back(nullptr);
            down_part.push_back(false);
            report.statements.push_back(std::move(facts));
        }
    };
    for (std::size_t g = 0; g < source.regions.size(); ++g) {
        const Region& region = source.regions[g];
        for_each_statement(source.text, region, [&](const RawStatement& raw) {
            refusals_before(raw.begin);
            if (report.one_query) state.base = region_statements[g] > 1 ? Transaction::Implicit : Transaction::None;
            StatementFacts facts;
            // Flyway's placeholders replaced by their values: the text parsed is what Flyway sends,
            // its spans the file's (a statement a value brought in stands on its placeholder).
            const tools::Replaced& replaced = source.replaced;
            const std::size_t begin = replaced.to_file(raw.begin), end = std::max(begin, replaced.to_file(raw.end, true));
            facts.span.begin = begin;
            facts.span.end = end;
            facts.span.start = lines.position(begin);
            // The last character's first byte: a column counts characters, not bytes.
            std::size_t last = end > begin ? end - 1 : begin;
            while (last > begin && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80) --last;
            facts.span.stop = lines.position(last);
            facts.sql = replaced.values ? source.text.substr(raw.begin, raw.end - raw.begin)
                                        : std::string(text.substr(begin, end - begin));
            analyse(facts, std::string_view(source.text).substr(raw.begin, raw.end - raw.begin), region.down,
                    [&](std::size_t offset) { return lines.position(replaced.to_file(raw.begin + offset)); });
            return true;
        });
    }
    refusals_before(std::string_view::npos);
    report.script_calls.reserve(orm_statements.size());
    for (const orm::OrmStatement& os : orm_statements) {
        ScriptCall call{os.call_name, 0, os.call, os.raw, os.down, {}};
        const std::size_t call_begin = os.call >= 0 && static_cast<std::size_t>(os.call) < extraction.calls.size()
                                           ? extraction.calls[static_cast<std::size_t>(os.call)].begin
                                           : os.begin;
        call.line = lines.position(call_begin).line;
        if (os.begin < text.size() && os.end <= text.size() && os.begin <= os.end) {
            const std::size_t from = text.rfind('\n', os.begin == 0 ? 0 : os.begin - 1);
            const std::size_t first = from == std::string_view::npos || os.begin == 0 ? 0 : from + 1;
            std::size_t last = text.find('\n', std::max(os.end, os.begin + 1) - 1);
            if (last == std::string_view::npos) last = text.size();
            call.source = std::string(text.substr(first, std::min(last - first, k_script_source_bytes)));
        }
        report.script_calls.push_back(std::move(call));
        StatementFacts facts;
        facts.span.begin = os.begin;
        facts.span.end = os.end;
        facts.span.start = lines.position(os.begin);
        facts.span.stop = lines.position(os.last);
        facts.sql = os.sql.empty() ? std::string(text.substr(os.begin, os.end - os.begin)) : os.sql;
        facts.notes = os.notes;
        if (!os.error.empty() || !os.unknown.empty()) {
            // Whatever it does may add rows: no table stays proven empty past it.
            up_ctx.empty_tables.clear();
            if (down_ctx) down_ctx->empty_tables.clear();
            // and may write any column: no fill holds past it.
            up_ctx.catalog.clear_all_fills();
            if (down_ctx) down_ctx->catalog.clear_all_fills();
        }
        if (!os.error.empty()) {
            facts.index = static_cast<int>(report.statements.size());
            facts.status = StatementStatus::Unparsable;
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.parse_error = Error{os.error, path, facts.span.start};
            stmts.push_back(nullptr);
            down_part.push_back(os.down);
            report.statements.push_back(std::move(facts));
            continue;
        }
        if (!os.unknown.empty()) {
            // Not visible statically: never read as safe (unknown-statement), and counted.
            facts.index = static_cast<int>(report.statements.size());
            facts.status = StatementStatus::Unknown;
            facts.tag = os.call_name + "()";
            facts.transaction = state.transaction();
            facts.settings = shared_settings();
            facts.notes.push_back("SQL not visible statically: " + os.unknown);
            facts.unanalysable = Error{os.unknown, path, facts.span.start};
            facts.no_transaction_block = os.no_transaction_block;
            stmts.push_back(nullptr);
            down_part.push_back(os.down);
            report.statements.push_back(std::move(facts));
            continue;
        }
        analyse(facts, os.sql, os.down, [&](std::size_t offset) {
            return lines.position(os.offsets.empty() ? os.begin : os.offsets[std::min(offset, os.offsets.size() - 1)]);
        });
    }
    std::string().swap(source.text);
    // What the next file on the connection starts with: a SET LOCAL ended with its transaction,
    // unless the file leaves one open.
    {
        std::map<std::string, std::string> carried;
        for (const auto& [setting, r] : state.relexed) {
            if (setting == kMaybeRelexed && state.maybe_file_only) continue;
            if (!r.local || state.explicit_block) carried.emplace(setting, r.at);
        }
        catalog.set_relexed(std::move(carried));
    }
    tools::mark_unknown_placeholders(report, source, path);
    report.settings_files = source.settings_files;
    // An ORM script's followed imports decide what it runs as its settings do: each named as the
    // script is (its folder as given, joined with the way from there to the import).
    for (const auto& imported : extraction.imported_files) {
        std::error_code ec;
        fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
        if (ec) continue;
        fs::path rel = fs::path(imported).lexically_relative(dir);
        if (rel.empty()) continue;
        report.settings_files.push_back((fs::path(path).parent_path() / rel).lexically_normal().string());
    }
    // A placeholder (Flyway `${...}`, a Go template action, `$%NAME%$`) stands for text the
    // migration is given when it runs: a statement it keeps from parsing is not broken SQL but
    // SQL pgfence cannot read. It is unknown to the lock model (never read as safe: the
    // unknown-statement rule reports it), with no error line; the statements that parse are
    // analysed as any others, so a placeholder in a comment hides nothing.
    if (!script) {
        int templated = 0;
        StatementFacts* first = nullptr;
        for (StatementFacts& s : report.statements) {
            if (s.status != StatementStatus::Unparsable) continue;
            if (s.sql.find("${") == std::string::npos && template_marker(s.sql) == std::string::npos) continue;
            s.status = StatementStatus::Unknown;
            if (s.tag.empty()) s.tag = "templated SQL";
            s.notes.push_back("templated: not analysed (a template placeholder stands where the SQL is only known when it runs)");
            s.unanalysable = Error{"a template placeholder stands where the SQL is only known when it runs", path, s.span.start};
            s.parse_error = Boxed<Error>{};
            if (first == nullptr) first = &s;
            ++templated;
        }
        // A Go template action outside any statement that failed (in a comment, in a string
        // literal that still parses): a tool that renders the file first (pop, popx) runs what it
        // expands to, which may be a statement of its own. The statement it sits in or after is
        // not read as safe either.
        std::size_t next_statement = 0;  // markers come in order: one pass over the statements
        std::size_t counted = 0, line = 1;  // and over the text, for their lines
        std::size_t braces = text.find("{{"), percent = text.find("$%");
        while (braces != std::string_view::npos || percent != std::string_view::npos) {
            const std::size_t at = std::min(braces, percent);
            if (at == braces) braces = text.find("{{", at + 2);
            else percent = text.find("$%", at + 2);
            if (template_marker(text.substr(at, 96)) != 0) continue;  // an array literal, not an action
            while (next_statement < report.statements.size() && report.statements[next_statement].span.begin <= at) ++next_statement;
            StatementFacts* holder = next_statement > 0 ? &report.statements[next_statement - 1]
                                     : report.statements.empty() ? nullptr : &report.statements.front();
            if (holder != nullptr && holder->status == StatementStatus::Analyzed) {
                holder->status = StatementStatus::Unknown;
                line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                             text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
                counted = at;
                holder->notes.push_back("templated: a template action at line " + std::to_string(line) +
                                        " (in a comment or a string) may expand to SQL pgfence does not see");
                if (first == nullptr) first = holder;
                ++templated;
            }
        }
        if (first != nullptr) {  // once for the file, on its first such statement
            first->notes.push_back("templated: " + std::to_string(templated) + " statement(s) of this file hold a template placeholder");
        }
    }
    if (!source.notes.empty() && !report.statements.empty()) {
        auto& first = report.statements.front().notes;
        first.insert(first.begin(), source.notes.begin(), source.notes.end());
    }
    orm::count_coverage(report, extraction, orm_statements);
    temporary_drops(report, stmts, schema_known);
    if (start != nullptr) recreated_tables(report, stmts, *start);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        if (script) {
            rules::apply_rules(report, stmts, orm::suppression_text(text), rule_options, called);
            // The SQL sits in a string literal of the script, with the script's own escapes.
            for (auto* findings : {&report.findings, &report.suppressed}) {
                for (auto& f : *findings) f.edit.reset();
            }
        } else {
            rules::apply_rules(report, stmts, text, rule_options, called);
            // Flyway's placeholder values put in: a statement's text is not the file's at its span.
            if (source.replaced.values) {
                for (auto* findings : {&report.findings, &report.suppressed}) {
                    for (auto& f : *findings) f.edit.reset();
                }
            }
        }
        catalog.undo_trial();  // the schema the up part leaves, not the down part's
        // Plans pgfence knows it cannot offer are declined before they are composed and checked.
        std::string declined;
        if (too_long_to_check(report, options)) {
            declined = "the file has " + std::to_string(report.statements.size()) + " statements, more than the " +
                       std::to_string(k_most_checked) + " pgfence checks a plan for: make this change by hand, with the findings' advice";
        } else if (source.replaced.values) {
            declined = source.tool == MigrationTool::Goose
                           ? "goose's ENVSUB rewrites this file's text before it runs it: a plan written from the rewritten SQL "
                             "would lose its variables, so make this change by hand, with the findings' advice"
                           : "Flyway puts its placeholders' values into this file before it runs it: a plan written from the "
                             "replaced SQL would lose the placeholders, so make this change by hand, with the findings' advice";
        } else if (report.tool == MigrationTool::Synapse && path.ends_with(".sql")) {
            declined = "Synapse runs a .sql delta on SQLite too, where the plan's PostgreSQL statements (SET lock_timeout, "
                       "CONCURRENTLY) fail: by hand, as a .sql.postgres delta beside a .sql.sqlite one";
        } else if (script && report.source_kind == "sequelize" && !report.script_unsupported.empty()) {
            declined = report.script_unsupported + ", which the plan's files would not do alike: make this change by hand, with "
                       "the findings' advice";
        } else if (auto taken = constraint_name_taken(report); !taken.empty()) {
            declined = taken;
        } else if (script && extraction.branch != std::string_view::npos) {
            declined = "line " + std::to_string(lines.position(extraction.branch).line) +
                       " of the script makes which of its statements run, or how often, depend on values known only when it "
                       "runs (a branch, a loop, a catch, a conditional operator, an array walk, or a call of the script's own "
                       "function, even where no statement depends on it); a plan lists each statement once, and would run what "
                       "the script skips or repeats: make this change by hand, with the findings' advice";
        }
        if (declined.empty() && options.merged != nullptr && !options.merged->empty() &&
            options.merged->count(absolute_path(std::filesystem::path(path)).lexically_normal().generic_string()) > 0) {
            // Rewriting a migration that has run breaks every database it ran on: the plan's new
            // migrations run there again and fail on what the original made (outside DBA:
            // vaultwarden's 2019 add_email_verification, teable's add_oauth).
            declined = "the file is in " + options.merged_in +
                       " already, so it may have run on databases: a plan would rewrite it, and its new migrations would run "
                       "again there and fail on what the original made; the findings are for the next migration like it (--plan-merged plans it all the same)";
        }
        if (!declined.empty()) {
            if (plan_wanted(report)) report.plan = no_plan(declined);
        } else {
            compose_plan(report, stmts, down_part, &catalog, options.known_migrations);
            decline_unsafe_plan(report, options, before);
        }
        rules::fold_same_statement_findings(report.findings, text);
    }
    return report;
}

}  // namespace

std::string file_too_large(std::uint64_t bytes, std::uint64_t max_bytes) {
    auto mb = [](std::uint64_t b) {
        std::uint64_t whole = b >> 20;
        return std::to_string(whole == 0 && b > 0 ? 1 : whole) + " MB";  // MiB, as --max-file-size takes
    };
    std::string size = bytes >> 20 == (max_bytes >> 20) ? std::to_string(bytes) + " bytes" : mb(bytes);
    return "is " + size + ", over --max-file-size (" + mb(max_bytes) + ")";
}

namespace {

// `catalog`: what the file starts from; the analysis changes it.
FileReport analyze_text_from(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                             std::string_view sibling_metadata, Catalog& catalog, const std::string& deployment) {
    FileReport report;
    if (text.size() > options.max_file_bytes) {
        report.path = path;
        report.error = Error{file_too_large(text.size(), options.max_file_bytes), path, std::nullopt};
        return report;
    }
    // Parsing, the ORM reader and every walker over their trees recurse once per nesting level.
    run_on_large_stack([&] { report = analyze_text_here(path, text, options, sibling_metadata, catalog, deployment); });
    return report;
}

// What a run learns of folders, so that each is looked at once (a run reads thousands of files
// from a few folders). One per analyze_files call: the files of a run do not move under it.
struct FolderFacts {
    std::mutex mutex;
    std::unordered_map<std::string, bool> in_pgmi_project;  // by absolute folder
    std::unordered_map<std::string, bool> by_spelling;      // by a file's folder as written
    // A migration's sibling metadata (metadata.toml, Cargo.toml) by its path as written: read
    // once for the up.sql and down.sql beside it, or for every file of a crate's migrations/.
    std::unordered_map<std::string, std::string> beside;
    std::mutex beside_mutex;  // held while a file for `beside` is read
    // Whether a folder holds a sqlx migration starting with `-- no-transaction`, by folder as written.
    std::unordered_map<std::string, bool> sqlx_folder;
    // What the Rust crate above a folder says of it (tools/sqlx_crate.hpp), as sqlx metadata or
    // "", by folder as written.
    std::unordered_map<std::string, std::string> sqlx_crate;
    // The Flyway settings files packed for a migration of a folder (flyway_settings_beside), by
    // the folder as written: what is found depends on the folder alone, and the walk up to the
    // repository's top with a real-path question per candidate cost 70 system calls a file.
    std::unordered_map<std::string, std::string> flyway_settings;
    // The tool the project's files say runs a folder (tools/folder_tool.hpp), by folder as written.
    std::unordered_map<std::string, std::string> folder_tool;
};

// Whether a file of `folder` named as sqlx names its migrations starts with sqlx's
// `-- no-transaction` (source.rs reads the file's first bytes): then the folder is sqlx's, without
// the Cargo.toml beside it (a workspace's migrations/, `sqlx::migrate!("../migrations")`). Only
// the first bytes of each regular file are read, of at most 10,000 names; links are not followed.
bool sqlx_folder(const std::string& folder, const AnalyzeOptions& options) {
    constexpr std::string_view k_marker = "-- no-transaction";
    std::error_code ec;
    fs::directory_iterator it(folder.empty() ? fs::path(".") : fs::path(folder), ec), end;
    for (int seen = 0; !ec && it != end && seen < 10000; it.increment(ec), ++seen) {
        const fs::path& p = it->path();
        if (!sqlx_name(p.filename().string())) continue;
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        if (!options.confine_to.empty() && !path_inside(p.string(), options.confine_to)) continue;
        std::ifstream in(p, std::ios::binary);
        std::string head(k_marker.size(), '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        if (in.gcount() == static_cast<std::streamsize>(head.size()) && head == k_marker) return true;
    }
    return false;
}


// pgmi (github.com/vvka-141/pgmi): deploy.sql, at the project's root beside pgmi.yaml, opens
// the transaction and EXECUTEs every project file inside it, so all of them share it. deploy.sql
// itself is read as written.
bool in_pgmi_project(const std::string& path, const std::string& confine_to, FolderFacts* folders) {
    if (path_name(path) == "deploy.sql") return false;
    // Most files share their folder with the file before them: answered without a path split.
    std::string spelling(path_folder(path));
    if (folders) {
        std::lock_guard lock(folders->mutex);
        if (auto hit = folders->by_spelling.find(spelling); hit != folders->by_spelling.end()) return hit->second;
    }
    std::error_code ec;
    fs::path dir = absolute_path(fs::path(path)).parent_path();
    std::vector<std::string> walked;
    bool found = false;
    for (int depth = 0; depth < 16 && !dir.empty(); ++depth) {
        if (folders) {
            std::lock_guard lock(folders->mutex);
            if (auto hit = folders->in_pgmi_project.find(dir.string()); hit != folders->in_pgmi_project.end()) {
                found = hit->second;
                break;
            }
        }
        walked.push_back(dir.string());
        if (!confine_to.empty() && !path_inside(dir.string(), confine_to)) break;
        // A missing file sets ec (not found): only the answers count.
        if (fs::is_regular_file(dir / "pgmi.yaml", ec) && fs::is_regular_file(dir / "deploy.sql", ec)) {
            found = true;
            break;
        }
        if (dir == dir.root_path()) break;
        dir = dir.parent_path();
    }
    if (folders) {
        std::lock_guard lock(folders->mutex);
        for (const auto& w : walked) folders->in_pgmi_project.emplace(w, found);
        folders->by_spelling.emplace(std::move(spelling), found);
    }
    return found;
}

// The link's own text (readlink), as bytes: never followed. An Error when it cannot be read.
std::string link_text(const std::string& path) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    target.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    return target;
}

// A Flyway migration's settings files (tools/flyway_settings.hpp): flyway.conf, flyway.toml
// and flyway.user.toml in its folder and each folder above it (and their conf/), packed for
// prepare_source. Regular files only, within confine_to: a link's target is not the
// repository's to choose.
std::string flyway_settings_beside(const std::string& path, const AnalyzeOptions& options) {
    std::vector<std::pair<std::string, std::string>> found;
    // A relative path is walked up from where it really is (`analyze .` inside db/migration finds
    // the project's flyway.conf above), up to the repository's top: the folder holding .git.
    std::error_code ec;
    fs::path where = fs::path(path).is_absolute() ? fs::path(path) : (fs::current_path(ec) / path).lexically_normal();
    fs::path top;
    for (fs::path up = where.parent_path(); !up.empty(); up = up.parent_path()) {
        if (fs::exists(fs::symlink_status(up / ".git", ec))) {
            top = up;
            break;
        }
        if (up == up.root_path()) break;
    }
    if (top.empty()) top = fs::current_path(ec);  // no repository: no higher than where pgfence runs
    for (const std::string& candidate : tools::flyway_settings_candidates(fs::path(path).is_absolute() ? path : where.string())) {
        // Whether it is there first (one stat; most candidates are not), then where it really is
        // (a real-path question per component of its path, 12% of a corpus run when asked first).
        if (fs::is_symlink(candidate, ec) || !fs::is_regular_file(candidate, ec)) continue;
        if (!top.empty() && !path_inside(candidate, top.string())) continue;
        if (!options.confine_to.empty() && !path_inside(candidate, options.confine_to)) continue;
        bool ok = false;
        std::uint64_t size = 0;
        std::string text = read_whole(candidate, ok, tools::k_most_settings_bytes, &size);
        if (ok && size <= tools::k_most_settings_bytes) found.emplace_back(candidate, std::move(text));
    }
    return tools::pack_flyway_files(found);
}

// A Flyway script's own configuration (`V2__x.sql.conf`, tools/flyway_script_config.hpp) added to
// its packed settings: one that exists but is not a regular file within the limit is unreadable,
// and the script unknown.
void add_script_config(std::string& packed, const std::string& path, const AnalyzeOptions& options) {
    const std::string conf = tools::flyway_script_config_path(path);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(conf, ec))) return;
    if (!options.confine_to.empty() && !path_inside(conf, options.confine_to)) return;
    bool ok = false;
    std::uint64_t size = 0;
    std::string text;
    if (!fs::is_symlink(conf, ec) && fs::is_regular_file(conf, ec)) text = read_whole(conf, ok, tools::k_most_settings_bytes, &size);
    if (!ok || size > tools::k_most_settings_bytes) text = std::string(tools::k_unreadable_script_config);
    tools::add_flyway_file(packed, conf, text);
}

// What a file's path says about how it runs, read from beside it: a diesel metadata.toml or the
// Cargo.toml of a crate's migrations/ (sqlx), a sqlx folder's marker, a pgmi project.
struct Beside {
    std::string metadata;
    std::string deployment;
};

}  // namespace

bool in_sqlx_folder(std::string_view path, const AnalyzeOptions& options) {
    if (options.sqlx_folders == nullptr) return false;
    const std::string folder = fs::path(std::string(path_folder(path))).lexically_normal().generic_string();
    return std::any_of(options.sqlx_folders->begin(), options.sqlx_folders->end(), [&](const std::string& f) {
        const std::string normal = fs::path(f).lexically_normal().generic_string();
        return folder == normal || (folder.size() > normal.size() && folder.starts_with(normal) && folder[normal.size()] == '/');
    });
}

namespace {

Beside beside_facts(const std::string& path, const AnalyzeOptions& options, FolderFacts* folders) {
    std::string metadata;
    // diesel's metadata.toml, or the Cargo.toml of a crate's migrations/ (sqlx)
    std::string beside;
    std::string_view name = path_name(path), folder = path_folder(path);
    auto join = [](std::string_view dir, std::string_view file) {
        return dir.empty() ? std::string(file) : std::string(dir) + "/" + std::string(file);
    };
    if (name == "up.sql" || name == "down.sql") {
        beside = join(folder, "metadata.toml");
    } else if (path_name(folder) == "migrations" && name.ends_with(".sql") && name != ".sql") {
        beside = join(path_folder(folder), "Cargo.toml");
    }
    if (!beside.empty() && (options.confine_to.empty() || path_inside(beside, options.confine_to))) {
        bool meta_ok = false;
        if (folders) {
            // Read under the lock: up.sql and down.sql go to different threads at once, and
            // the second must find what the first read rather than open the file again.
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->beside.find(beside);
            if (hit == folders->beside.end()) {
                hit = folders->beside.emplace(beside, read_whole(beside, meta_ok, options.max_file_bytes)).first;
            }
            metadata = hit->second;
        } else {
            metadata = read_whole(beside, meta_ok, options.max_file_bytes);
        }
    }
    auto flyway_settings = [&] {
        if (!folders) return flyway_settings_beside(path, options);
        std::lock_guard guard(folders->beside_mutex);
        auto hit = folders->flyway_settings.find(std::string(folder));
        if (hit == folders->flyway_settings.end()) {
            hit = folders->flyway_settings.emplace(std::string(folder), flyway_settings_beside(path, options)).first;
        }
        return hit->second;
    };
    if (flyway_name(name) || flyway_name_with_suffix(name)) {
        metadata = flyway_settings();
        add_script_config(metadata, path, options);
    } else if (metadata.empty() && name.ends_with(".sql") && name != "migration.sql") {
        // Any other SQL file under Flyway settings that rename its migrations (conventions.cpp).
        std::string settings = flyway_settings();
        if (auto read = tools::unpack_flyway_files(settings); read && !read->naming.empty()) metadata = std::move(settings);
    }
    // The configuration's `tool` says which tool runs the project's versioned files.
    const bool golang_migrate = options.tool == "golang-migrate";
    if (options.tool == "sqlx" && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        metadata = std::string(tools::k_sqlx_crate) + "tool = \"sqlx\" in the configuration";
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        auto crate = [&] {
            tools::CrateTool c = tools::sqlx_crate_for(std::string(folder), options.confine_to);
            return c.reading == tools::CrateTool::Reading::None ? std::string() : std::string(tools::k_sqlx_crate) + c.why;
        };
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->sqlx_crate.find(std::string(folder));
            if (hit == folders->sqlx_crate.end()) hit = folders->sqlx_crate.emplace(std::string(folder), crate()).first;
            if (!hit->second.empty()) metadata = hit->second;
        } else if (std::string c = crate(); !c.empty()) {
            metadata = std::move(c);
        }
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name) && in_sqlx_folder(path, options)) {
        metadata = std::string(k_sqlx_folder);
    }
    if (!golang_migrate && metadata.find("sqlx") == std::string::npos && sqlx_name(name)) {
        bool sqlx = false;
        std::string key(folder);
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->sqlx_folder.find(key);
            if (hit == folders->sqlx_folder.end()) hit = folders->sqlx_folder.emplace(key, sqlx_folder(key, options)).first;
            sqlx = hit->second;
        } else {
            sqlx = sqlx_folder(key, options);
        }
        if (sqlx) metadata = std::string(k_sqlx_folder);
    }
    // The tool the project's own files say runs the folder (supabase/config.toml, a package.json
    // or .env naming it): only its markers mark (conventions.cpp).
    const bool tool_configured = options.tool == "supabase" || options.tool == "node-pg-migrate" || options.tool == "goose" || options.tool == "dbmate";
    if (metadata.empty() && name.ends_with(".sql") && tool_configured) {
        metadata = std::string(tools::k_folder_tool) + options.tool + "\ntool = \"" + options.tool + "\" in the configuration says " + options.tool + " runs it";
    } else if (metadata.empty() && name.ends_with(".sql")) {
        auto said = [&] {
            return tools::folder_tool_metadata(path, [&](const std::string& file) -> std::optional<std::string> {
                if (!options.confine_to.empty() && !path_inside(file, options.confine_to)) return std::nullopt;
                std::error_code ec;
                if (fs::is_symlink(file, ec) || !fs::is_regular_file(file, ec)) return std::nullopt;
                bool ok = false;
                std::string text = read_whole(file, ok, tools::k_most_settings_bytes);
                return ok ? std::optional<std::string>(std::move(text)) : std::nullopt;
            });
        };
        if (folders) {
            std::lock_guard guard(folders->beside_mutex);
            auto hit = folders->folder_tool.find(std::string(folder));
            if (hit == folders->folder_tool.end()) hit = folders->folder_tool.emplace(std::string(folder), said()).first;
            metadata = hit->second;
        } else {
            metadata = said();
        }
    }
    // A Temporal version folder's file: its manifest.json decides whether and how it runs.
    if (tools::temporal_version_file(path) && name.ends_with(".sql")) {
        const std::string manifest = join(folder, "manifest.json");
        if (options.confine_to.empty() || path_inside(manifest, options.confine_to)) {
            std::string text;
            if (folders) {
                std::lock_guard guard(folders->beside_mutex);
                auto hit = folders->beside.find(manifest);
                if (hit == folders->beside.end()) {
                    hit = folders->beside.emplace(manifest, tools::read_temporal_manifest(std::string(folder)).value_or("")).first;
                }
                text = hit->second;
            } else {
                text = tools::read_temporal_manifest(std::string(folder)).value_or("");
            }
            if (!text.empty()) metadata = std::string(tools::k_temporal_manifest) + text;
        }
    }
    std::string deployment = options.single_transaction ? "--single-transaction"
                             : in_pgmi_project(path, options.confine_to, folders) ? "pgmi"
                                                                      : "";
    return Beside{std::move(metadata), std::move(deployment)};
}

FileReport analyze_file_from(const std::string& path, const AnalyzeOptions& options, Catalog& catalog,
                             FolderFacts* folders = nullptr) {
    // A link is reported, not read: what it points at is not the migration's to choose (a
    // committed link could name a file of the runner, or one the review never shows).
    struct stat link_stat {};
    if (::lstat(path.c_str(), &link_stat) == 0 && S_ISLNK(link_stat.st_mode)) {
        return analyze_not_a_file(path, NotAFile{NotAFile::Kind::link, link_text(path)}, options);
    }
    const bool own = !options.own_folder.empty() && path_inside(path, options.own_folder);
    if (!options.confine_to.empty() && !own && !path_inside(path, options.confine_to)) {
        FileReport report;
        report.path = path;
        report.error = Error{"is a link to a file outside " + options.confine_to + ": not read", path, std::nullopt};
        return report;
    }
    bool ok = false;
    std::uint64_t size = 0;
    std::string text = read_whole(path, ok, options.max_file_bytes, &size);
    if (ok && size > options.max_file_bytes) {
        FileReport report;
        report.path = path;
        report.error = Error{file_too_large(size, options.max_file_bytes), path, std::nullopt};
        return report;
    }
    if (!ok) {
        FileReport report;
        report.path = path;
        report.error = Error{"cannot read file: " + std::string(std::strerror(errno)), path, std::nullopt};
        return report;
    }
    Beside beside = beside_facts(path, options, folders);
    return analyze_text_from(path, text, options, beside.metadata, catalog, beside.deployment);
}

}  // namespace

FileReport analyze_text(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                        std::string_view sibling_metadata) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    return analyze_text_from(path, text, options, sibling_metadata, catalog,
                             options.single_transaction ? "--single-transaction" : "");
}

FileReport analyze_text(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                        std::string_view sibling_metadata, Catalog& catalog) {
    return analyze_text_from(path, text, options, sibling_metadata, catalog,
                             options.single_transaction ? "--single-transaction" : "");
}

FileReport analyze_text_at(const std::string& path, std::string_view text, const AnalyzeOptions& options) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    Beside beside = beside_facts(path, options, nullptr);
    return analyze_text_from(path, text, options, beside.metadata, catalog, beside.deployment);
}

std::string sibling_metadata(const std::string& path, const AnalyzeOptions& options) {
    return beside_facts(path, options, nullptr).metadata;
}

FileReport analyze_not_a_file(const std::string& path, NotAFile entry, const AnalyzeOptions& options) {
    FileReport report;
    report.path = path;
    report.not_a_file = std::move(entry);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes, const AnalyzeOptions& options) {
    FileReport report;
    report.path = path;
    const auto& flyway_files = tools::flyway_settings_names();
    if (std::find(flyway_files.begin(), flyway_files.end(), path_name(path)) != flyway_files.end()) report.tool = MigrationTool::Flyway;
    report.setting_changes = std::move(changes);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes, const AnalyzeOptions& options,
                                 std::string_view text, const std::vector<SettingUnknown>& unknown) {
    AnalyzeOptions without_rules = options;
    without_rules.run_rules = false;
    FileReport report = analyze_tool_settings(path, std::move(changes), without_rules);
    for (const SettingUnknown& u : unknown) {
        // The line's bytes: its first and last non-blank character.
        std::size_t begin = 0;
        for (int line = 1; line < u.line && begin != std::string_view::npos; ++line) {
            begin = text.find('\n', begin);
            if (begin != std::string_view::npos) ++begin;
        }
        if (begin == std::string_view::npos || begin > text.size()) begin = text.size();
        std::size_t end = std::min(text.find('\n', begin), text.size());
        while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
        std::size_t first = begin;
        while (first < end && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
        StatementFacts s;
        s.status = StatementStatus::Unknown;
        s.span.begin = first;
        s.span.end = end;
        s.span.start = Position{u.line, static_cast<int>(first - begin) + 1};
        s.span.stop = Position{u.line, static_cast<int>(end > first ? end - begin : first - begin + 1)};
        s.sql = std::string(text.substr(first, std::min<std::size_t>(end - first, 200)));
        s.tag = u.tag.empty() ? std::string("migration tool setting") : u.tag;
        s.notes.push_back("not visible to static analysis: " + u.why);
        s.unanalysable = Error{u.why, path, s.span.start};
        report.statements.push_back(std::move(s));
    }
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_file(const std::string& path, const AnalyzeOptions& options) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    return analyze_file_from(path, options, catalog);
}

namespace {

// SQL files, and Synapse's delta files for PostgreSQL only (*.sql.postgres).
bool is_sql_file(const fs::path& p) {
    return p.extension() == ".sql" || (p.extension() == ".postgres" && p.stem().extension() == ".sql") ||
           !golang_migrate_as_sql(p.filename().string()).empty();  // golang-migrate's 2_x.up.pgsql
}

bool is_migration_file(const fs::path& p, orm::InputFormat format) {
    if (format == orm::InputFormat::Sql) return is_sql_file(p);
    if (is_sql_file(p)) return format == orm::InputFormat::Auto;
    return orm::looks_like_migration(p.string());
}

void walk_directory(const fs::path& dir, std::vector<std::string>& out, orm::InputFormat format) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_directory(ec) && it->path().filename() == "node_modules") {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink(ec)) {
            // Kept, for analyze_file to report: a link named like a migration, or one to a
            // folder (whose migrations the walk does not enter) or to nothing here (a folder
            // the migration tool's checkout may have).
            if (is_sql_file(it->path()) || (format != orm::InputFormat::Sql && orm::is_script_path(it->path().string())) ||
                !it->is_regular_file(ec)) {
                out.push_back(it->path().string());
            }
            continue;
        }
        if (it->is_regular_file(ec) && is_migration_file(it->path(), format)) out.push_back(it->path().string());
    }
}

// Globs with "**": walk from the longest literal prefix and match the whole path.
void expand_double_star(const std::string& pattern, std::vector<std::string>& out) {
    std::size_t star = pattern.find_first_of("*?[");
    std::size_t slash = pattern.rfind('/', star);
    fs::path root = slash == std::string::npos ? fs::path(".") : fs::path(pattern.substr(0, slash));
    std::string rooted = slash == std::string::npos ? "./" + pattern : pattern;
    // "**/" may match zero directories: also try the pattern with it removed.
    std::string collapsed = rooted;
    for (std::size_t at; (at = collapsed.find("**/")) != std::string::npos;) collapsed.erase(at, 3);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_symlink(ec) && !it->is_regular_file(ec)) continue;  // a link: analyze_file reports it
        std::string candidate = it->path().string();
        if (fnmatch(rooted.c_str(), candidate.c_str(), 0) == 0 ||
            fnmatch(collapsed.c_str(), candidate.c_str(), 0) == 0) {
            out.push_back(slash == std::string::npos && candidate.starts_with("./") ? candidate.substr(2) : candidate);
        }
    }
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs, std::vector<Error>& errors,
                                       orm::InputFormat format) {
    std::vector<std::string> out;
    for (const auto& input : inputs) {
        std::size_t before = out.size();
        std::error_code ec;
        const fs::file_status status = fs::status(input, ec);  // one stat for both questions
        if (fs::is_symlink(fs::symlink_status(input, ec)) && !input.ends_with('/')) {
            out.push_back(input);  // a link given is reported by analyze_file, never followed
            continue;
        }
        if (fs::is_directory(status)) {
            walk_directory(input, out, format);
            std::sort(out.begin() + static_cast<long>(before), out.end());
            if (out.size() == before) errors.push_back(Error{std::string(k_no_migrations_in_directory), input, std::nullopt});
            continue;
        }
        if (fs::exists(status)) {
            out.push_back(input);
            continue;
        }
        if (input.find_first_of("*?[") == std::string::npos) {
            errors.push_back(Error{"no such file or directory", input, std::nullopt});
            continue;
        }
        if (input.find("**") != std::string::npos) {
            expand_double_star(input, out);
        } else {
            glob_t g{};
            if (glob(input.c_str(), GLOB_BRACE | GLOB_TILDE, nullptr, &g) == 0) {
                for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                    if (fs::is_symlink(fs::symlink_status(g.gl_pathv[i], ec))) out.push_back(g.gl_pathv[i]);
                    else if (fs::is_directory(g.gl_pathv[i], ec)) walk_directory(g.gl_pathv[i], out, format);
                    else out.push_back(g.gl_pathv[i]);
                }
            }
            globfree(&g);
        }
        std::sort(out.begin() + static_cast<long>(before), out.end());
        if (out.size() == before) errors.push_back(Error{"pattern matched no files", input, std::nullopt});
    }
    // A file named twice is analysed once, where it first appeared.
    std::vector<std::string> unique;
    std::unordered_set<std::string_view> seen;  // views into `out`, which outlives it
    for (auto& f : out) {
        if (seen.insert(f).second) unique.push_back(f);
    }
    return unique;
}

namespace {

// Files analysed ahead of the first one not yet written, per thread: enough that a large file
// at the head keeps no thread idle for long, few enough that their reports stay small. When
// chaining, one thread analyses a migration set from its first file to its last, and sets run
// side by side only when the window holds more than one: it is larger then.
constexpr std::size_t k_files_ahead_per_thread = 4;
constexpr std::size_t k_chained_files_ahead_per_thread = 64;

// A file's report; an exception escaping a worker thread would end the process
// (std::terminate): it becomes that file's error, and the other files are still reported.
FileReport analyze_one(const std::string& path, const AnalyzeOptions& options, Catalog& catalog, FolderFacts& folders) {
    try {
        return analyze_file_from(path, options, catalog, &folders);
    } catch (const std::exception& e) {
        FileReport report;
        report.path = path;
        report.error = Error{std::string("internal error: ") + e.what(), path, std::nullopt};
        return report;
    }
}

}  // namespace

void analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options, const FileHandler& handle) {
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, files.size())));
    HistoryChain* chain = options.chain;
    const std::size_t window = (chain ? k_chained_files_ahead_per_thread : k_files_ahead_per_thread) * threads;
    FolderFacts folders;
    std::mutex mutex;
    std::condition_variable moved;              // the window moved, or the run failed
    std::map<std::size_t, OrderedStep> done;    // by file: steps not yet run (the next one's absent)
    std::size_t next_taken = 0, next_written = 0;
    bool writing = false;                       // one thread runs the ordered steps at a time
    std::exception_ptr failure;
    auto in_window = [&](std::size_t i) { return failure || i < next_written + window; };
    // A thread that is too far ahead sleeps until half the window has been written, not until
    // the next file is: waking it per written file costs two system calls a file and lets it
    // analyse one file before it sleeps again. `wake_at` is the lowest count of written files a
    // sleeper waits for; the writer wakes the sleepers only when it reaches it (and forgets it).
    // So a sleeper registers again after every wake-up: woken for another's lower count, it
    // would otherwise sleep on with its own count known to nobody, to the end of the run.
    std::size_t wake_at = SIZE_MAX;
    auto wait_in_window = [&](std::unique_lock<std::mutex>& lock, const std::size_t& index) {
        while (index < files.size() && !in_window(index)) {
            const std::size_t need = index + 1 + window / 2 - window;  // index >= next_written + window
            wake_at = std::min(wake_at, need);
            moved.wait(lock);
        }
    };
    // Called with the lock held; returns with it held.
    auto write_ready = [&](std::unique_lock<std::mutex>& lock) {
        if (writing) return;  // that thread will reach these files
        writing = true;
        for (auto at = done.begin(); !failure && at != done.end() && at->first == next_written; at = done.begin()) {
            OrderedStep ordered = std::move(at->second);
            done.erase(at);
            lock.unlock();
            try {
                if (ordered) ordered();
            } catch (...) {
                lock.lock();
                if (!failure) failure = std::current_exception();
                break;
            }
            lock.lock();
            if (++next_written >= wake_at) {
                wake_at = SIZE_MAX;
                moved.notify_all();
            }
        }
        writing = false;
        if (failure) moved.notify_all();
    };
    const std::size_t warm_bytes = heap_for_files(files.size(), threads);
    auto work = [&] {
        warm_heap(warm_bytes);  // this thread's arena: see heap.hpp
        std::unique_lock lock(mutex);
        for (;;) {
            wait_in_window(lock, next_taken);  // by reference: another thread may take files meanwhile
            if (failure || next_taken >= files.size()) return;
            // One file, or a whole migration set when chaining.
            const std::size_t first = next_taken;
            const std::size_t end = chain ? std::min(chain->set_end(first), files.size()) : first + 1;
            next_taken = end;
            Catalog catalog;
            for (std::size_t i = first; i < end; ++i) {
                wait_in_window(lock, i);
                if (failure) return;
                lock.unlock();
                OrderedStep step;
                try {
                    if (i == first) catalog = chain ? chain->start() : options.history ? *options.history : Catalog{};
                    FileReport report = analyze_one(files[i], options, catalog, folders);
                    // A file of the set not read (over --max-file-size, unreadable) may have made
                    // anything: the later files' schema is not known whole.
                    if (chain && report.error) catalog.mark_unknown();
                    if (chain && i + 1 < end) {
                        chain->handed_on(report);
                        catalog.hand_on(files[i]);
                    }
                    step = handle(std::move(report), i);
                } catch (...) {
                    lock.lock();
                    if (!failure) failure = std::current_exception();
                    moved.notify_all();
                    return;
                }
                lock.lock();
                done.emplace(i, std::move(step));
                write_ready(lock);
                if (failure) return;
            }
        }
    };
    // Workers with large stacks, so analyze_text needs no thread of its own per file.
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&] {
        try {
            run_on_large_stack(work);
        } catch (...) {
            work();  // no thread could be started: each file then reports the error itself
        }
    });
    run_on_large_stack(work);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

Report analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options) {
    Report report;
    report.pg_version = options.pg_version;
    report.files.reserve(files.size());
    analyze_files(files, options, [&report](FileReport&& file, std::size_t) -> OrderedStep {
        auto kept = std::make_shared<FileReport>(std::move(file));
        return [&report, kept] { report.files.push_back(std::move(*kept)); };
    });
    return report;
}

}  // namespace pgfence::analyze
