#include "analyze/plan/plan_objects.hpp"
#include <utility>

#include <map>
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze {
namespace {

// Keys: "r:<relname>" for relations (indexes share their namespace), "c:<table>.<name>" for a
// table's constraints, "k:<table>.<column>" for columns. Names as PostgreSQL stores them.
std::string relation_key(std::string_view name) { return "r:" + std::string(name); }
std::string member_key(char kind, std::string_view table, std::string_view name) {
    return std::string(1, kind) + ":" + std::string(table) + "." + std::string(name);
}

// `attaching`: ADD CONSTRAINT ... USING INDEX, which makes an existing index the constraint's.
bool catalog_has(const Catalog& catalog, const std::string& key, bool attaching) {
    std::string_view rest = std::string_view(key).substr(2);
    if (key[0] == 'r') return catalog.find(std::string(rest)) != nullptr;
    std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return false;
    std::string table(rest.substr(0, dot));
    std::string name(rest.substr(dot + 1));
    const RelationInfo* rel = std::as_const(catalog).find(table);
    if (rel == nullptr) return false;
    if (key[0] == 'k') return rel->column_index.count(name) > 0;
    if (rel->foreign_keys.count(name) > 0 || rel->not_null_checks.count(name) > 0) return true;
    const RelationInfo* index = attaching ? nullptr : catalog.find(name);
    return index != nullptr && index->kind == "index" && index->index_table == table;
}

// The trees of the statements read last on this thread, by text: the composer reads a plan's
// steps and the file's statements, and check_plan the same texts again right after (parsing
// them anew was a twentieth of a corpus run). Each tree has an arena of its own; at most
// k_kept_trees of them, or k_kept_tree_bytes of text, are kept, then all are let go.
constexpr std::size_t k_kept_trees = 64;
constexpr std::size_t k_kept_tree_bytes = std::size_t{1} << 20;
const pg::Node* parsed_tree(std::string_view sql) {
    thread_local std::map<std::string, ParsedStatement, std::less<>> kept;
    thread_local std::size_t kept_bytes = 0;
    if (auto it = kept.find(sql); it != kept.end()) return it->second.stmt;
    if (kept.size() >= k_kept_trees || kept_bytes + sql.size() > k_kept_tree_bytes) {
        kept.clear();
        kept_bytes = 0;
    }
    kept_bytes += sql.size();
    return kept.emplace(std::string(sql), parse_statement(sql)).first->second.stmt;
}

thread_local const ParsedTexts* t_lent = nullptr;

bool relation_object(ObjectType type) {
    return type == OBJECT_TABLE || type == OBJECT_INDEX || type == OBJECT_VIEW || type == OBJECT_SEQUENCE ||
           type == OBJECT_MATVIEW;
}

}  // namespace

LentTrees::LentTrees(const ParsedTexts& parsed) : m_previous(t_lent) { t_lent = &parsed; }
LentTrees::~LentTrees() { t_lent = m_previous; }

void PlanObjects::create(const std::string& key, const std::string& what, const Catalog* catalog, std::vector<std::string>& out,
                         bool attaching) {
    if (m_created.count(key) > 0) out.push_back("creates " + what + " twice");
    else if (m_dropped.count(key) == 0 && catalog != nullptr && catalog_has(*catalog, key, attaching)) out.push_back("creates " + what + ", which already exists");
    m_created.insert(key);
    m_dropped.erase(key);
}

void PlanObjects::drop(const std::string& key, const std::string& what, std::vector<std::string>& out, bool if_exists) {
    if (m_dropped.count(key) > 0 && !if_exists) out.push_back("drops " + what + " twice");
    m_created.erase(key);
    m_dropped.insert(key);
}

void PlanObjects::table_event(const std::string& key, bool exists_after) {
    auto [at, first] = m_tables.try_emplace(key);
    if (first) at->second.before = !exists_after;
    at->second.after = exists_after;
}

std::vector<std::string> PlanObjects::read(std::string_view sql, const Catalog* catalog) {
    std::vector<std::string> out;
    for (const RawStatement& raw : split_statements(sql, Region{0, sql.size(), false, false})) {
        if (raw.unterminated_quote) continue;
        const std::string_view text = sql.substr(raw.begin, raw.end - raw.begin);
        const auto lent = t_lent != nullptr ? t_lent->find(text) : ParsedTexts::const_iterator();
        const pg::Node* node = t_lent != nullptr && lent != t_lent->end() ? lent->second : parsed_tree(text);
        if (node == nullptr) continue;
        if (const auto* create_table = pg::as<CreateStmt>(node)) {
            // A temporary table is gone when its session ends, whatever the plan does with it.
            if (create_table->relation->relpersistence != 't') table_event(relation_key(pg::relname(create_table->relation)), true);
            if (!create_table->if_not_exists) {
                create(relation_key(pg::relname(create_table->relation)), quote_ident(pg::relname(create_table->relation)), catalog, out);
            }
        } else if (const auto* as = pg::as<CreateTableAsStmt>(node)) {
            if (as->into == nullptr || as->into->rel == nullptr) continue;
            if (as->into->rel->relpersistence != 't') table_event(relation_key(pg::relname(as->into->rel)), true);
            if (!as->if_not_exists) create(relation_key(pg::relname(as->into->rel)), quote_ident(pg::relname(as->into->rel)), catalog, out);
        } else if (const auto* seq = pg::as<CreateSeqStmt>(node)) {
            if (!seq->if_not_exists) create(relation_key(pg::relname(seq->sequence)), quote_ident(pg::relname(seq->sequence)), catalog, out);
        } else if (const auto* view = pg::as<ViewStmt>(node)) {
            table_event(relation_key(pg::relname(view->view)), true);
            if (!view->replace) create(relation_key(pg::relname(view->view)), quote_ident(pg::relname(view->view)), catalog, out);
        } else if (const auto* index = pg::as<IndexStmt>(node)) {
            if (index->idxname != nullptr && !index->if_not_exists) {
                create(relation_key(index->idxname), quote_ident(index->idxname), catalog, out);
            }
        } else if (const auto* drop_stmt = pg::as<DropStmt>(node)) {
            if (!relation_object(drop_stmt->removeType)) continue;
            bool table_like = drop_stmt->removeType == OBJECT_TABLE || drop_stmt->removeType == OBJECT_VIEW ||
                              drop_stmt->removeType == OBJECT_MATVIEW;
            for (const List* name : pg::each<List>(drop_stmt->objects)) {
                std::string_view last = pg::last_name(name);
                if (last.empty()) continue;
                if (table_like) table_event(relation_key(last), false);
                drop(relation_key(last), quote_ident(last), out, drop_stmt->missing_ok);
            }
        } else if (const auto* rename = pg::as<RenameStmt>(node)) {
            if (rename->relation == nullptr || rename->newname == nullptr) continue;
            std::string_view table = pg::relname(rename->relation);
            if (relation_object(rename->renameType)) {
                if (rename->renameType == OBJECT_TABLE || rename->renameType == OBJECT_VIEW || rename->renameType == OBJECT_MATVIEW) {
                    table_event(relation_key(table), false);
                    table_event(relation_key(rename->newname), true);
                }
                if (!rename->missing_ok) drop(relation_key(table), quote_ident(table), out);
                create(relation_key(rename->newname), quote_ident(rename->newname), catalog, out);
            } else if ((rename->renameType == OBJECT_COLUMN || rename->renameType == OBJECT_TABCONSTRAINT) && rename->subname != nullptr) {
                char kind = rename->renameType == OBJECT_COLUMN ? 'k' : 'c';
                if (!rename->missing_ok) drop(member_key(kind, table, rename->subname), quote_ident(rename->subname) + " of " + quote_ident(table), out);
                create(member_key(kind, table, rename->newname), quote_ident(rename->newname) + " of " + quote_ident(table), catalog, out);
            }
        } else if (const auto* alter = pg::as<AlterTableStmt>(node)) {
            if (alter->relation == nullptr) continue;
            std::string_view table = pg::relname(alter->relation);
            std::string of = " of " + quote_ident(table);
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr && def->colname != nullptr) {
                    if (!cmd->missing_ok) create(member_key('k', table, def->colname), "column " + quote_ident(def->colname) + of, catalog, out);
                } else if (cmd->subtype == AT_DropColumn && cmd->name != nullptr) {
                    drop(member_key('k', table, cmd->name), "column " + quote_ident(cmd->name) + of, out, cmd->missing_ok);
                } else if (const auto* con = pg::as<Constraint>(cmd->def); cmd->subtype == AT_AddConstraint && con != nullptr && con->conname != nullptr) {
                    create(member_key('c', table, con->conname), "constraint " + quote_ident(con->conname) + of, catalog, out,
                           con->indexname != nullptr);
                } else if (cmd->subtype == AT_DropConstraint && cmd->name != nullptr) {
                    drop(member_key('c', table, cmd->name), "constraint " + quote_ident(cmd->name) + of, out, cmd->missing_ok);
                    m_created.erase(relation_key(cmd->name));  // a key's index goes with it
                }
            }
        }
    }
    return out;
}

}  // namespace pgfence::analyze
