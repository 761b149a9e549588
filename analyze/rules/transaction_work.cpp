#include <algorithm>
#include "analyze/rules/transaction_work.hpp"

#include <cstdlib>
#include <optional>
#include <regex>
#include <set>

#include "analyze/model/join_rows.hpp"
#include "analyze/model/pinned_key.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/model/target_columns.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

const pg::Node* node_at(const std::vector<const pg::Node*>& stmts, int index) {
    auto i = static_cast<std::size_t>(index);
    return i < stmts.size() ? stmts[i] : nullptr;
}
const pg::Node* node_at(const FileContext& ctx, int index) { return node_at(ctx.stmts, index); }

// The table statement `stmt` fills from a query, or "".
std::string filled_table(const pg::Node* stmt) {
    if (const auto* insert = pg::as<InsertStmt>(stmt)) {
        const auto* select = pg::as<SelectStmt>(insert->selectStmt);
        if (select != nullptr && select->valuesLists == nullptr) return pg::display_name(insert->relation);
    } else if (const auto* ctas = pg::as<CreateTableAsStmt>(stmt)) {
        if (ctas->into != nullptr) return pg::display_name(ctas->into->rel);
    } else if (const auto* copy = pg::as<CopyStmt>(stmt)) {
        if (copy->is_from) return pg::display_name(copy->relation);
    }
    return {};
}

// Did an earlier statement fill the table `display` from a query (INSERT ... SELECT, CREATE
// TABLE AS, COPY FROM)? Rows from literal VALUES lists are a handful.
bool filled_from_query(const std::vector<const pg::Node*>& stmts, int index, const std::string& display) {
    for (int j = 0; j < index; ++j) {
        std::string filled = filled_table(node_at(stmts, j));
        if (!filled.empty() && filled == display) return true;
    }
    return false;
}

// The same, from the file's memo (the first statement filling each table, found once): a file
// of many statements on a new table asks it for each of them.
bool filled_from_query(const FileContext& ctx, int index, const std::string& display) {
    if (ctx.memo == nullptr) return filled_from_query(ctx.stmts, index, display);
    if (!ctx.memo->filled_at) {
        auto& at = ctx.memo->filled_at.emplace();
        for (std::size_t j = 0; j < ctx.stmts.size(); ++j) {
            std::string filled = filled_table(ctx.stmts[j]);
            if (!filled.empty()) at.try_emplace(std::move(filled), static_cast<int>(j));
        }
    }
    auto found = ctx.memo->filled_at->find(display);
    return found != ctx.memo->filled_at->end() && found->second < index;
}

// Columns added to `display` earlier in the file with no default: NULL in every row until set.
// A statement in between that may set one (an UPDATE of it, rows written into the table, code
// the file runs) ends that: unleash's `UPDATE role_user SET project = r.project FROM roles r`
// before `WHERE project IS NULL`.
// Statements [from, index) folded into `out` (what the statements before `from` left).
void columns_added_null(const std::vector<const pg::Node*>& stmts, int from, int index, const std::string& display,
                        std::set<std::string>& out) {
    for (int j = from; j < index; ++j) {
        const pg::Node* node = node_at(stmts, j);
        if (out.empty() && !pg::is<AlterTableStmt>(node)) continue;
        if (const auto* update = pg::as<UpdateStmt>(node)) {
            if (update->relation == nullptr || pg::display_name(update->relation) != display) continue;
            for (const ResTarget* target : pg::each<ResTarget>(update->targetList)) {
                if (target->name != nullptr) out.erase(std::string(pg::text(target->name)));
            }
            continue;
        }
        const RangeVar* written = nullptr;
        if (const auto* insert = pg::as<InsertStmt>(node)) written = insert->relation;
        if (const auto* copy = pg::as<CopyStmt>(node); copy != nullptr && copy->is_from) written = copy->relation;
        if (const auto* merge = pg::as<MergeStmt>(node)) written = merge->relation;
        if ((written != nullptr && pg::display_name(written) == display) || pg::is<DoStmt>(node) || pg::is<CallStmt>(node) ||
            pg::is<SelectStmt>(node)) {
            out.clear();  // rows with values, or code that may write them
            continue;
        }
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || pg::display_name(alter->relation) != display) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* column = cmd->subtype == AT_AddColumn ? pg::as<ColumnDef>(cmd->def) : nullptr;
            if (column == nullptr || column->raw_default != nullptr) continue;
            bool filled = column->is_not_null;  // then the table was empty: nothing to backfill
            for (const Constraint* con : pg::each<Constraint>(column->constraints)) {
                filled = filled || con->contype == CONSTR_DEFAULT || con->contype == CONSTR_IDENTITY ||
                         con->contype == CONSTR_GENERATED || con->contype == CONSTR_NOTNULL;
            }
            if (!filled) out.emplace(pg::text(column->colname));
        }
    }
}

bool is_column(const pg::Node* node) { return pg::is<ColumnRef>(node); }

// Does every row of the target satisfy `where` (as far as the target's own rows go)? Join
// equalities with the FROM/USING tables when those are whole tables (joins_whole_tables), and IS
// NULL on a column just added, do.
// `why` gets the reasons, one per kind.
// The columns of columns_added_null, computed when a WHERE first asks: that walk goes over every
// statement before this one, and run for each UPDATE or DELETE of a file it was quadratic (a
// generated migration of 68,000 `UPDATE ... WHERE id = n` took 17 s; only IS NULL needs it).
// The file's memo keeps the fold per table: the statements are checked in order, so each asks
// only for those since the last (FileMemo::null_columns).
class NullColumns {
public:
    NullColumns(const std::vector<const pg::Node*>& stmts, int index, const std::string& display, FileMemo* memo)
        : m_stmts(stmts), m_index(index), m_display(display), m_memo(memo) {}
    const std::set<std::string>& get() {
        if (m_memo != nullptr) {
            auto& [upto, out] = m_memo->null_columns[m_display];
            if (upto <= m_index) {
                columns_added_null(m_stmts, upto, m_index, m_display, out);
                upto = m_index;
                return out;
            }
        }
        if (!m_out) {
            m_out.emplace();
            columns_added_null(m_stmts, 0, m_index, m_display, *m_out);
        }
        return *m_out;
    }

private:
    const std::vector<const pg::Node*>& m_stmts;
    int m_index;
    const std::string& m_display;
    FileMemo* m_memo;
    std::optional<std::set<std::string>> m_out;
};

bool matches_every_row(const pg::Node* where, bool joins, NullColumns& null_columns, std::string& why) {
    auto add = [&](const std::string& reason) {
        if (why.find(reason) == std::string::npos) why += (why.empty() ? "" : "; ") + reason;
    };
    if (const auto* b = pg::as<BoolExpr>(where)) {
        if (b->boolop != AND_EXPR) return false;
        for (const pg::Node* arg : pg::each(b->args)) {
            if (!matches_every_row(arg, joins, null_columns, why)) return false;
        }
        return true;
    }
    if (const auto* e = pg::as<A_Expr>(where)) {
        if (!joins || e->kind != AEXPR_OP || pg::last_name(e->name) != "=" || !is_column(e->lexpr) || !is_column(e->rexpr)) {
            return false;
        }
        add("the WHERE only joins it to whole tables");
        return true;
    }
    if (const auto* n = pg::as<NullTest>(where)) {
        const auto* column = pg::as<ColumnRef>(reinterpret_cast<const pg::Node*>(n->arg));
        std::string name = column != nullptr ? std::string(pg::text(pg::last(column->fields))) : std::string();
        if (n->nulltesttype != IS_NULL || null_columns.get().count(name) == 0) return false;
        add(name + " was added above without a default: NULL in every row");
        return true;
    }
    return false;
}

bool is_dml(const pg::Node* stmt) {
    return pg::is<UpdateStmt>(stmt) || pg::is<DeleteStmt>(stmt) || pg::is<InsertStmt>(stmt) ||
           pg::is<MergeStmt>(stmt);
}

// An effect on a table that has rows for other sessions to miss: not one created empty here.
bool effect_counts(const FileContext& ctx, int index, const StatementFacts& s, const TableEffect& e) {
    const LockFact* lock = lock_on(s, e.relation);
    return lock == nullptr || !lock->is_new || filled_from_query(ctx, index, e.relation);
}

// every_row_write, asking `ctx` (when given) whether a query filled the table.
std::optional<EveryRowWrite> every_row_write_in(const std::vector<const pg::Node*>& stmts, const StatementFacts& s,
                                                const pg::Node* stmt, const FileContext* ctx, FileMemo* memo) {
    const auto* update = pg::as<UpdateStmt>(stmt);
    const auto* del = pg::as<DeleteStmt>(stmt);
    if (update == nullptr && del == nullptr) return std::nullopt;
    const RangeVar* rv = update != nullptr ? update->relation : del->relation;
    const pg::Node* where = update != nullptr ? update->whereClause : del->whereClause;
    bool joins = joins_whole_tables(stmt);
    std::string table = pg::display_name(rv);
    const LockFact* lock = lock_on(s, table);
    if (lock == nullptr || lock->empty) return std::nullopt;
    if (lock->is_new && !(ctx != nullptr ? filled_from_query(*ctx, s.index, table) : filled_from_query(stmts, s.index, table))) {
        return std::nullopt;
    }
    std::string why;
    if (where != nullptr) {
        // The lock model proves it from the schema (its scan fact is certain, and says why).
        const TableEffect* scan = effect_on(s.scans, table);
        std::string_view prefix = " touches every row: ";
        if (std::size_t at = scan != nullptr && scan->certain ? scan->reason.find(prefix) : std::string::npos;
            at != std::string::npos) {
            why = scan->reason.substr(at + prefix.size());
        } else if (!names_target_column(where, pg::relname(rv), rv->alias != nullptr ? pg::text(rv->alias->aliasname) : "") &&
                   could_be_true(where)) {
            // Names no column of the target: every row or none (model/dml.cpp's EveryRow, for a
            // write the lock model did not prove, one in a WITH clause).
            why = "the WHERE names no column of " + table + ": it holds for every row or for none";
        } else if (NullColumns null_columns(stmts, s.index, table, memo); !matches_every_row(where, joins, null_columns, why)) {
            return std::nullopt;
        }
    }
    const bool joined = why.find("the WHERE only joins it to whole tables") != std::string::npos;
    return EveryRowWrite{TableWork{table, (update != nullptr ? "rewrites every row of " : "deletes every row of ") + table}, why,
                         joined};
}

}  // namespace

std::optional<EveryRowWrite> every_row_write(const std::vector<const pg::Node*>& stmts, const StatementFacts& s,
                                             const pg::Node* stmt, FileMemo* memo) {
    return every_row_write_in(stmts, s, stmt, nullptr, memo);
}

bool matches_no_existing_row(const std::vector<const pg::Node*>& stmts, int index, const pg::Node* stmt) {
    const auto* update = pg::as<UpdateStmt>(stmt);
    const auto* del = pg::as<DeleteStmt>(stmt);
    if (update == nullptr && del == nullptr) return false;
    const RangeVar* rv = update != nullptr ? update->relation : del->relation;
    const pg::Node* where = update != nullptr ? update->whereClause : del->whereClause;
    if (rv == nullptr || where == nullptr) return false;
    const std::string table = pg::display_name(rv);
    // `c IS NULL` as the WHERE or one of its AND conjuncts.
    std::vector<std::string> tested;
    // Only the target's own column: unqualified, or qualified by the target's name or alias.
    const std::string own = rv->alias != nullptr ? std::string(pg::text(rv->alias->aliasname)) : std::string(pg::relname(rv));
    auto null_test = [&](const pg::Node* node) {
        const auto* n = pg::as<NullTest>(node);
        const auto* column = n != nullptr && n->nulltesttype == IS_NULL ? pg::as<ColumnRef>(reinterpret_cast<const pg::Node*>(n->arg)) : nullptr;
        if (column == nullptr) return;
        const int parts = pg::length(column->fields);
        if (parts > 2 || (parts == 2 && pg::text(pg::nth(column->fields, 0)) != own)) return;
        tested.emplace_back(pg::text(pg::last(column->fields)));
    };
    if (const auto* b = pg::as<BoolExpr>(where); b != nullptr && b->boolop == AND_EXPR) {
        for (const pg::Node* arg : pg::each(b->args)) null_test(arg);
    } else {
        null_test(where);
    }
    if (tested.empty()) return false;
    // A column added above with a constant, non-NULL DEFAULT (or an identity): every row that
    // existed took that value, and no write of the table since could have set it to NULL.
    for (int j = index - 1; j >= 0; --j) {
        const pg::Node* node = node_at(stmts, j);
        const RangeVar* target = pg::is<UpdateStmt>(node)   ? pg::as<UpdateStmt>(node)->relation
                                 : pg::is<InsertStmt>(node) ? pg::as<InsertStmt>(node)->relation
                                 : pg::is<MergeStmt>(node)  ? pg::as<MergeStmt>(node)->relation
                                                            : nullptr;
        if (target != nullptr && pg::display_name(target) == table) return false;
        if (pg::is<DoStmt>(node)) return false;  // what it writes is not known here
        // COPY into it, or a rename that could move another column onto the name.
        if (const auto* copy = pg::as<CopyStmt>(node); copy != nullptr && copy->relation != nullptr && pg::display_name(copy->relation) == table) {
            return false;
        }
        if (const auto* rename = pg::as<RenameStmt>(node); rename != nullptr && rename->relation != nullptr &&
                                                           pg::display_name(rename->relation) == table) {
            return false;
        }
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr || pg::display_name(alter->relation) != table) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_AlterColumnType) return false;  // USING may set it to NULL
            // IF NOT EXISTS may have added nothing: the column may be an old one, with NULLs.
            const auto* column = cmd->subtype == AT_AddColumn && !cmd->missing_ok ? pg::as<ColumnDef>(cmd->def) : nullptr;
            if (column == nullptr || std::find(tested.begin(), tested.end(), pg::text(column->colname)) == tested.end()) continue;
            for (const Constraint* con : pg::each<Constraint>(column->constraints)) {
                const pg::Node* value = con->contype == CONSTR_DEFAULT ? con->raw_expr : nullptr;
                while (const auto* cast = pg::as<TypeCast>(value)) value = cast->arg;
                const auto* literal = pg::as<A_Const>(value);
                if ((literal != nullptr && !literal->isnull) || con->contype == CONSTR_IDENTITY) return true;
            }
        }
    }
    return false;
}

std::optional<TableWork> backfill(const FileContext& ctx, int index) {
    const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(index)];
    auto every = every_row_write_in(ctx.stmts, s, node_at(ctx, index), &ctx, ctx.memo);
    if (!every) return std::nullopt;
    return every->work;
}

const TableEffect* per_row_loop(const StatementFacts& s) {
    for (const auto& e : s.scans) {
        if (e.per_row && e.certain) return &e;
    }
    return nullptr;
}

namespace {

// An existing table with rows the statement locks (not made here unless filled from a query, not
// proven empty), other than `except`; nullptr when there is none.
const LockFact* read_table(const FileContext& ctx, int index, const StatementFacts& s, const std::string& except = {}) {
    for (const auto& l : s.locks) {
        if (l.relation == except || l.empty || (l.kind != "table" && l.kind != "partitioned table" && l.kind != "materialized view")) {
            continue;
        }
        if (!l.is_new || filled_from_query(ctx, index, l.relation)) return &l;
    }
    return nullptr;
}

// A system catalog (pg_catalog's, information_schema's, an unqualified pg_* name): small, and not
// the application's rows.
bool system_catalog(std::string_view relation) {
    return relation.starts_with("pg_") || relation.starts_with("pg_catalog.") || relation.starts_with("information_schema.");
}

// A plain SELECT that reads whole tables: no WHERE, no LIMIT, a FROM of tables and joins of
// tables (a join reads each side whole unless an index serves the other). The first such
// table it locks, or nullptr.
const LockFact* whole_select(const FileContext& ctx, int index, const SelectStmt* select, const StatementFacts& s) {
    if (select == nullptr || select->whereClause != nullptr || select->limitCount != nullptr || select->fromClause == nullptr ||
        select->withClause != nullptr || select->op != SETOP_NONE || select->intoClause != nullptr) {
        return nullptr;
    }
    // The FROM items in order, joins opened (a stack, so the rightmost item first is pushed first).
    std::vector<const pg::Node*> items;
    for (const pg::Node* item : pg::each(select->fromClause)) items.insert(items.begin(), item);
    std::vector<std::string> tables;
    while (!items.empty()) {
        const pg::Node* item = items.back();
        items.pop_back();
        if (const auto* rv = pg::as<RangeVar>(item)) {
            tables.push_back(pg::display_name(rv));
        } else if (const auto* join = pg::as<JoinExpr>(item)) {
            items.push_back(join->rarg);
            items.push_back(join->larg);
        } else {
            return nullptr;  // a sub-select or function: not judged here
        }
    }
    for (const std::string& t : tables) {
        const LockFact* l = lock_on(s, t);
        if (l != nullptr && !l->empty && !system_catalog(t) && (l->kind == "table" || l->kind == "partitioned table" || l->kind == "materialized view") &&
            (!l->is_new || filled_from_query(ctx, index, t))) {
            return l;
        }
    }
    return nullptr;
}

// pg_sleep(n) with a constant of at least k_sleep_seconds, pg_sleep_for or pg_sleep_until, in
// the statement's text (a DO body's too): time spent doing nothing while the locks stay held.
constexpr double k_sleep_seconds = 5;
std::optional<std::string> long_sleep(const StatementFacts& s) {
    static const std::regex k_sleep(R"(pg_sleep(_for|_until)?\s*\(\s*'?([0-9]*\.?[0-9]*))", std::regex::icase);
    for (std::sregex_iterator it(s.sql.begin(), s.sql.end(), k_sleep), end; it != end; ++it) {
        if ((*it)[1].length() > 0) return "calls pg_sleep" + (*it)[1].str() + "()";
        const std::string n = (*it)[2].str();
        if (n.empty() || n == ".") return std::string("calls pg_sleep() for a time pgfence cannot read");
        if (std::strtod(n.c_str(), nullptr) >= k_sleep_seconds) return "sleeps " + n + " s (pg_sleep)";
    }
    return std::nullopt;
}

}  // namespace

std::optional<TableWork> table_work(const FileContext& ctx, int index) {
    if (auto work = backfill(ctx, index)) return work;
    const pg::Node* stmt = node_at(ctx, index);
    const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(index)];
    // Time that does not grow with a table but passes under the locks all the same.
    if (pg::is<SelectStmt>(stmt) || pg::is<DoStmt>(stmt) || pg::is<CallStmt>(stmt)) {
        if (auto sleep = long_sleep(s)) return TableWork{"", *sleep};
    }
    if (const auto* select = pg::as<SelectStmt>(stmt)) {
        if (const LockFact* l = whole_select(ctx, index, select, s)) {
            return TableWork{l->relation, "reads every row of " + l->relation + " (a query with no WHERE and no LIMIT)"};
        }
        if (select->intoClause == nullptr) return std::nullopt;  // its scan facts are what whole_select judged
    }
    if (const auto* refresh = pg::as<RefreshMatViewStmt>(stmt); refresh != nullptr && !refresh->skipData) {
        // REFRESH runs the view's whole query again (CONCURRENTLY then compares it with the old
        // contents, row by row): every table the query reads is read as the query reads it.
        const std::string view = refresh->relation != nullptr ? pg::display_name(refresh->relation) : std::string();
        if (const LockFact* l = read_table(ctx, index, s, view)) {
            return TableWork{l->relation, "runs the query of materialized view " + view + " again, reading " + l->relation +
                                              (refresh->concurrent ? ", and compares every row of the result with the old one" : "")};
        }
    }
    if (const auto* vacuum = pg::as<VacuumStmt>(stmt); vacuum != nullptr && !vacuum->is_vacuumcmd) {
        // ANALYZE reads a sample of up to 300 x default_statistics_target rows (30,000 pages at
        // random on a large table): seconds to minutes, under the locks held.
        for (const auto& e : s.scans) {
            const LockFact* lock = lock_on(s, e.relation);
            if (lock != nullptr && !lock->empty && effect_counts(ctx, index, s, e)) {
                return TableWork{e.relation, "reads a sample of up to 30,000 pages of " + e.relation + " (ANALYZE)"};
            }
        }
        return std::nullopt;
    }
    if (pg::is<InsertStmt>(stmt) || pg::is<UpdateStmt>(stmt) || pg::is<DeleteStmt>(stmt)) {
        // INSERT ... SELECT of a whole table, or a WHERE no index serves: the rows it reads (the
        // scan facts say when it is every one). A table proven empty has none.
        for (const auto& e : s.scans) {
            const LockFact* lock = lock_on(s, e.relation);
            if (!e.certain || (lock != nullptr && lock->empty) || !effect_counts(ctx, index, s, e)) continue;
            if (e.subquery) {
                return TableWork{e.relation, "reads every row of " + e.relation + " in a subquery no index of " + e.relation +
                                                 " serves, each time it runs (once per row it visits, where it names the row)"};
            }
            return TableWork{e.relation, "reads every row of " + e.relation +
                                             (e.filtered ? " (no index of " + e.relation + " serves its WHERE)" : "")};
        }
        // `WHERE resource_type_id = 2`: an index finds the rows, but one value of a column that is
        // no key may be most of the table (model::pinned_non_key).
        for (const auto& e : s.scans) {
            const LockFact* lock = lock_on(s, e.relation);
            if (!is_pinned_non_key(e) || (lock != nullptr && lock->empty) || !effect_counts(ctx, index, s, e)) continue;
            return TableWork{e.relation, "writes the rows of " + e.relation + " its WHERE picks (" + e.likely_every_row + ")"};
        }
        return std::nullopt;
    }
    if (is_dml(stmt)) return std::nullopt;  // MERGE: its scan facts are the rows its join selects
    if (pg::is<VacuumStmt>(stmt)) return std::nullopt;  // ANALYZE reads a sample; VACUUM runs outside transactions
    if (pg::is<TruncateStmt>(stmt)) return std::nullopt;  // swaps in empty storage: reads no row
    // A statement that fails on the table's first row (a required column without a default) is
    // instant where it succeeds: the table is empty.
    auto fails_on_any_row = [&](const std::string& relation) {
        const TableEffect* scan = effect_on(s.scans, relation);
        return scan != nullptr && scan->fails_on_any_row;
    };
    for (const auto& e : s.rewrites) {
        if (e.certain && !fails_on_any_row(e.relation) && effect_counts(ctx, index, s, e)) {
            return TableWork{e.relation, "rewrites every row of " + e.relation};
        }
    }
    for (const auto& e : s.scans) {
        if (!e.certain || e.fails_on_any_row || !effect_counts(ctx, index, s, e)) continue;
        // A DO block's queries read only tables they lock (a catalog's rows are not a table's).
        if (pg::is<DoStmt>(stmt) && (lock_on(s, e.relation) == nullptr || lock_on(s, e.relation)->empty ||
                                     system_catalog(e.relation))) {
            continue;
        }
        if (pg::is<IndexStmt>(stmt)) return TableWork{e.relation, "builds an index on " + e.relation};
        return TableWork{e.relation, "scans every row of " + e.relation};
    }
    return std::nullopt;
}

namespace {

bool blocks_more(LockMode held, const LockFact* own) {
    Blocks h = blocks_of(held);
    Blocks o = own != nullptr ? blocks_of(own->mode) : Blocks{};
    return (h.reads && !o.reads) || (h.writes && !o.writes);
}

}  // namespace

std::string held_locks_clause(const std::vector<std::pair<const LockFact*, const StatementFacts*>>& locks) {
    // Modes in order of first appearance, each with its relations.
    std::vector<std::pair<LockMode, std::vector<std::string>>> modes;
    std::vector<std::string> read_blocked, write_blocked;
    for (const auto& [lock, by] : locks) {
        auto it = std::find_if(modes.begin(), modes.end(), [&](const auto& m) { return m.first == lock->mode; });
        if (it == modes.end()) it = modes.insert(modes.end(), {lock->mode, {}});
        // A lock an earlier file of the set took, in the one transaction the tool runs the set in.
        std::string file;
        if (!by->notes.empty() && by->notes.front().starts_with(k_held_from)) file = by->notes.front().substr(k_held_from.size()) + " ";
        it->second.push_back(lock->relation + " (" + file + "line " + std::to_string(by->span.start.line) + ")");
        (blocks_of(lock->mode).reads ? read_blocked : write_blocked).push_back(lock->relation);
    }
    auto list = [](const std::vector<std::string>& items) {
        std::string out;
        for (std::size_t n = 0; n < items.size(); ++n) {
            out += (n == 0 ? "" : n + 1 == items.size() ? " and " : ", ") + items[n];
        }
        return out;
    };
    std::string held;
    for (std::size_t m = 0; m < modes.size(); ++m) {
        held += (m == 0 ? "" : m + 1 == modes.size() ? ", and " : ", ") + std::string(lock_mode_name(modes[m].first)) + " on " +
                list(modes[m].second);
    }
    std::string waits;
    if (!read_blocked.empty()) waits = "every query on " + list(read_blocked);
    if (!write_blocked.empty()) waits += (waits.empty() ? "" : ", and ") + std::string("every write to ") + list(write_blocked);
    return "the transaction holds " + held + " until COMMIT: " + waits + " waits for all of it";
}

std::vector<HeldWork> work_under_held_locks(const FileContext& ctx, const TransactionScope& scope) {
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    using Held = std::pair<const LockFact*, const StatementFacts*>;  // the strongest lock per relation, and its taker
    std::vector<Held> held;
    std::vector<HeldWork> out;
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        if (auto work = table_work(ctx, i)) {
            const Held* worst = nullptr;
            std::vector<const Held*> blocking;
            for (const auto& h : held) {
                if (!blocks_more(h.first->mode, lock_on(s, h.first->relation))) continue;
                blocking.push_back(&h);
                bool same = h.first->relation == work->relation;
                bool worst_same = worst != nullptr && worst->first->relation == work->relation;
                if (worst == nullptr || (same && !worst_same) ||
                    (same == worst_same && h.first->mode > worst->first->mode)) {
                    worst = &h;
                }
            }
            if (worst != nullptr) {
                HeldWork w{i, *work, worst->first, worst->second, {}};
                for (const Held* h : blocking) {
                    if (h != worst) w.others.push_back(*h);
                }
                out.push_back(std::move(w));
            }
        }
        for (const auto& l : s.locks) {
            if (l.is_new || k_not_tables.count(l.kind) > 0) continue;
            bool found = false;
            for (auto& h : held) {
                if (h.first->relation != l.relation) continue;
                found = true;
                if (l.mode > h.first->mode) h = Held{&l, &s};
            }
            if (!found) held.push_back(Held{&l, &s});
        }
    }
    return out;
}

ExclusiveTables exclusive_tables(const FileContext& ctx, const TransactionScope& scope) {
    ExclusiveTables out;
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        for (const auto* l : exclusive_existing_locks(s, true)) {
            bool seen = false;
            for (const auto& h : out.held) seen = seen || h.first->relation == l->relation;
            if (seen) continue;
            out.held.emplace_back(l, &s);
            if (out.held.size() == 2) out.second = i;
        }
    }
    return out;
}

bool has_held_work(const std::vector<HeldWork>& work, int index) {
    for (const auto& w : work) {
        if (w.index == index) return true;
    }
    return false;
}

bool instant_catalog_change(const FileContext& ctx, int index) {
    const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(index)];
    if (is_session_statement(s)) return true;
    const pg::Node* stmt = node_at(ctx, index);
    if (s.status != StatementStatus::Analyzed || s.runs_user_code || stmt == nullptr) return false;
    // A query of tables made in this migration or proven empty here (an ADD COLUMN ... NOT NULL
    // without a default, a TRUNCATE, whose lock is still held) reads and writes no row.
    const bool rowless = !s.locks.empty() && std::all_of(s.locks.begin(), s.locks.end(), [](const LockFact& l) {
        return l.is_new || l.empty || l.kind == "index" || l.kind == "sequence" || l.kind == "schema";
    });
    if ((is_dml(stmt) || pg::is<SelectStmt>(stmt)) && rowless) return true;
    // An allow-list: catalog changes whose only table-sized work the lock model shows as a
    // rewrite or scan fact. Anything else (a query, DO, CALL, COPY, REFRESH, ANALYZE, CLUSTER,
    // REINDEX, EXPLAIN ANALYZE, CREATE EXTENSION's script, LOCK, ...) may take real time.
    static const std::set<NodeTag> k_catalog_only = {
        T_AlterTableStmt, T_RenameStmt, T_CommentStmt, T_GrantStmt, T_GrantRoleStmt, T_AlterOwnerStmt,
        T_AlterObjectSchemaStmt, T_CreateStmt, T_DropStmt, T_ViewStmt, T_CreateFunctionStmt, T_AlterFunctionStmt,
        T_CreateTrigStmt, T_IndexStmt, T_CreateSeqStmt, T_AlterSeqStmt, T_CreateEnumStmt, T_AlterEnumStmt,
        T_CreateDomainStmt, T_AlterDomainStmt, T_CompositeTypeStmt, T_CreateRangeStmt, T_DefineStmt, T_CreateSchemaStmt,
        T_CreatePolicyStmt, T_AlterPolicyStmt, T_RuleStmt, T_CreatePublicationStmt, T_AlterPublicationStmt,
        T_CreateStatsStmt, T_AlterStatsStmt, T_CreateRoleStmt, T_AlterRoleStmt, T_AlterRoleSetStmt, T_DropRoleStmt,
        T_AlterDefaultPrivilegesStmt, T_TruncateStmt, T_CreateTableAsStmt, T_CreateEventTrigStmt, T_AlterEventTrigStmt,
        T_SecLabelStmt, T_CreateCastStmt, T_ConstraintsSetStmt, T_AlterTypeStmt, T_AlterCollationStmt, T_CreateOpClassStmt,
        T_CreateOpFamilyStmt, T_AlterOpFamilyStmt, T_AlterOperatorStmt, T_AlterTSConfigurationStmt,
        T_AlterTSDictionaryStmt, T_CreateConversionStmt, T_CreateTransformStmt, T_CreatePLangStmt, T_CreateAmStmt,
        T_NotifyStmt, T_ListenStmt, T_UnlistenStmt, T_DeallocateStmt, T_PrepareStmt, T_DiscardStmt,
        T_CreateForeignTableStmt, T_CreateFdwStmt, T_AlterFdwStmt, T_CreateForeignServerStmt,
        T_AlterForeignServerStmt, T_CreateUserMappingStmt, T_AlterUserMappingStmt, T_DropUserMappingStmt,
        T_DropOwnedStmt, T_ReassignOwnedStmt, T_AlterExtensionStmt, T_AlterExtensionContentsStmt};
    if (k_catalog_only.count(stmt->type) == 0) return false;
    for (const auto* effects : {&s.rewrites, &s.scans}) {
        for (const auto& e : *effects) {
            if (effect_counts(ctx, index, s, e)) return false;
        }
    }
    return true;
}

const LockFact* unbounded_wait(const StatementFacts& statement, const std::set<std::string>& held) {
    if (statement.settings->lock_timeout) {
        auto ms = duration_ms(*statement.settings->lock_timeout);
        if (!ms || *ms > 0) return nullptr;
    }
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    for (const auto& l : statement.locks) {
        Blocks b = blocks_of(l.mode);
        if (l.is_new || !(b.reads || b.writes) || k_not_tables.count(l.kind) > 0) continue;
        if (held.count(l.relation) == 0) return &l;
    }
    return nullptr;
}

std::string instant_text(const Pace& pace) {
    if (pace.own_work_line > 0) {
        return "what runs after it is instant but for the work at line " + std::to_string(pace.own_work_line) +
               ", whose own lock blocks the table as much";
    }
    return "every later statement is instant (a catalog change, or work on a table made or emptied here)";
}

Pace pace_after(const FileContext& ctx, int first, int after, int last) {
    static const std::set<std::string> k_not_tables = {"index", "sequence", "schema"};
    // What the transaction holds: a set (a list with a copy per statement made a long
    // transaction's walk quadratic).
    std::set<std::string> held;
    std::map<std::string, LockMode> strongest;  // what the transaction holds, by relation
    Pace pace;
    for (int i = first; i <= last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        std::string at = (s.tag.empty() ? std::string("statement") : s.tag) + " at line " + std::to_string(s.span.start.line);
        if (i > after && pace.kind != Pace::Slow) {
            auto work = table_work(ctx, i);
            // Work whose own locks block all the held ones do adds nothing to their hold: the
            // table would be blocked for it anyway (a scan under the ACCESS EXCLUSIVE lock the
            // statement takes itself, on a table the transaction already holds so).
            const bool lengthens = work && std::any_of(strongest.begin(), strongest.end(), [&](const auto& h) {
                return blocks_more(h.second, lock_on(s, h.first));
            });
            if (work && lengthens) {
                pace = {Pace::Slow, "the " + at + " " + work->what, i, true};
            } else if (const LockFact* wait = unbounded_wait(s, held)) {
                pace = {Pace::Slow, "the " + at + " can queue for its " + std::string(lock_mode_name(wait->mode)) +
                                        " lock on " + wait->relation + " with no lock_timeout", i, false};
            } else if (!work && !instant_catalog_change(ctx, i)) {
                pace.kind = Pace::Unknown;
            } else if (work && pace.own_work_line == 0) {
                pace.own_work_line = s.span.start.line;
            }
        }
        for (const auto& l : s.locks) {
            if (l.is_new || k_not_tables.count(l.kind) > 0) continue;
            held.insert(l.relation);
            auto [it, added] = strongest.emplace(l.relation, l.mode);
            if (!added && l.mode > it->second) it->second = l.mode;
        }
    }
    return pace;
}

}  // namespace pgfence::analyze::rules
