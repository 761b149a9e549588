#include "analyze/rules/renamed_aside.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analyze/base/ascii.hpp"
#include "analyze/model/rename_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::rules {
namespace {

using schema::QualifiedName;

const RenameStmt* table_rename(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    return rename != nullptr && rename->renameType == OBJECT_TABLE && rename->relation != nullptr ? rename : nullptr;
}

bool names(const pg::Node* node, const QualifiedName& table) {
    if (node == nullptr) return false;
    if (const auto* rv = pg::as<RangeVar>(node)) return schema::same_name(schema::name_of_range_var(rv), table);
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || names(child, table); });
    return found;
}

// The schema a name written with `schema` ("" for none) stands for at `at`: the one written, else
// public under the database's own search_path or one whose first schema is public (as the lock
// model's name_scope reads it, model.hpp), else "" (not known: another schema may come first).
std::string resolved_schema(const std::string& schema, const StatementFacts& at) {
    if (!schema.empty()) return schema;
    if (!at.settings->search_path) return "public";
    const std::vector<std::string> path = search_path_schemas(*at.settings->search_path);
    const auto first = std::find_if(path.begin(), path.end(), [](const std::string& s) { return s != "$user"; });
    return (first == path.end() ? path.empty() : *first == "public") ? "public" : "";
}

// A lock on a relation of that name, in any schema (LockFact::relation is as written).
bool locks_name(const StatementFacts& statement, const std::string& name) {
    const std::string bare = quote_ident(name);
    return std::any_of(statement.locks.begin(), statement.locks.end(),
                       [&](const LockFact& l) { return l.relation == bare || l.relation.ends_with("." + bare); });
}

// The built-in types of pg_catalog, as canonical_type() spells them (PostgreSQL docs, chapter 8,
// "Data Types"; pg_type.dat). The copy's proof compares types by name: only these names are one
// type wherever they are written, as long as pg_catalog is searched first (see catalog_first).
// Extension types (citext, hstore) and domains may be another type of the same name after a
// rename (red team R76 S6: a domain email_t renamed away and made again as "char").
bool pg_catalog_type(const std::string& canonical) {
    static const std::set<std::string, std::less<>> k_types = {
        "int2", "int4", "int8", "float4", "float8", "numeric", "money", "bool", "text", "varchar", "bpchar", "char",
        "name", "bytea", "date", "time", "timetz", "timestamp", "timestamptz", "interval", "uuid", "json", "jsonb",
        "jsonpath", "xml", "inet", "cidr", "macaddr", "macaddr8", "bit", "varbit", "point", "line", "lseg", "box",
        "path", "polygon", "circle", "tsvector", "tsquery", "oid", "regclass", "regtype", "regproc", "regprocedure",
        "regoper", "regoperator", "regconfig", "regdictionary", "regnamespace", "regrole", "regcollation", "xid",
        "xid8", "cid", "tid", "pg_lsn", "txid_snapshot", "pg_snapshot", "int4range", "int8range", "numrange",
        "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange", "tsmultirange",
        "tstzmultirange", "datemultirange"};
    return k_types.count(type_base(canonical)) > 0;
}

// Does an unqualified type name at `at` resolve in pg_catalog first? Not when its search_path
// names pg_catalog after another schema ("public, pg_catalog"): PostgreSQL searches pg_catalog
// first only when the path does not name it (ddl.html, "The Schema Search Path"), so a
// `CREATE DOMAIN public.text AS "char"` is then what `text` means (red team R76 S6).
bool catalog_first(const StatementFacts& at) {
    if (!at.settings->search_path) return true;
    const std::vector<std::string> path = search_path_schemas(*at.settings->search_path);
    const auto catalog = std::find(path.begin(), path.end(), "pg_catalog");
    return catalog == path.end() || catalog == path.begin();
}

// Does a statement make, rename or move a type or domain under one of pg_catalog's type names, or
// is it a DO block (whose EXECUTE may)? Where the search_path does not name pg_temp, PostgreSQL
// looks there first for type names, before pg_catalog (ddl.html, "The Schema Search Path"; checked
// on PostgreSQL 16: after `CREATE DOMAIN pg_temp.text AS "char"`, a column declared `text` keeps
// one character), and the schema an unqualified name lands in depends on a search_path that may be
// set many ways (red team R77 S1: `SET search_path = pg_temp`, set_config, a RENAME TO text). So
// the name alone decides, in any schema. The same file's statements count here; earlier files'
// through the lock model's note on the rename (model/rename.cpp type_names_unsure, S2).
bool shadows_catalog_type(const pg::Node* node) {
    if (pg::is<DoStmt>(node)) return true;
    const List* name = nullptr;
    if (const auto* d = pg::as<CreateDomainStmt>(node)) name = d->domainname;
    if (const auto* e = pg::as<CreateEnumStmt>(node)) name = e->typeName;
    if (const auto* r = pg::as<CreateRangeStmt>(node)) name = r->typeName;
    if (const auto* t = pg::as<DefineStmt>(node); t != nullptr && t->kind == OBJECT_TYPE) name = t->defnames;
    if (const auto* c = pg::as<CompositeTypeStmt>(node); c != nullptr && c->typevar != nullptr && c->typevar->relname != nullptr) {
        return pg_catalog_type(c->typevar->relname);
    }
    if (const auto* rename = pg::as<RenameStmt>(node);
        rename != nullptr && (rename->renameType == OBJECT_DOMAIN || rename->renameType == OBJECT_TYPE) && rename->newname != nullptr) {
        return pg_catalog_type(rename->newname);
    }
    if (const auto* moved = pg::as<AlterObjectSchemaStmt>(node);
        moved != nullptr && (moved->objectType == OBJECT_DOMAIN || moved->objectType == OBJECT_TYPE)) {
        if (const auto* names = pg::as<List>(moved->object)) return pg_catalog_type(std::string(pg::last_name(names)));
        if (const auto* type = pg::as<TypeName>(moved->object)) return pg_catalog_type(std::string(pg::last_name(type->names)));
        return true;
    }
    return name != nullptr && pg_catalog_type(std::string(pg::last_name(name)));
}

// ALTER ROLE | DATABASE | SYSTEM ... SET search_path (= ..., FROM CURRENT): the sessions that get it,
// among them the next connection a runner or pool hands the migration, may find another schema's
// type of a pg_catalog type's name first (red team R77 S3). A RESET sets none. Earlier files' count
// through the lock model's note on the rename (rename_note.hpp); this file's, before the CREATE, here.
bool sets_default_path(const pg::Node* node) {
    const VariableSetStmt* set = nullptr;
    if (const auto* role = pg::as<AlterRoleSetStmt>(node)) set = role->setstmt;
    if (const auto* database = pg::as<AlterDatabaseSetStmt>(node)) set = database->setstmt;
    if (const auto* system = pg::as<AlterSystemStmt>(node)) set = system->setstmt;
    return set != nullptr && (set->kind == VAR_SET_VALUE || set->kind == VAR_SET_CURRENT) && set->name != nullptr &&
           lowered(pg::text(set->name)) == "search_path";
}

// A TransactionStmt that may undo the copy or part of what the proof counts on: anything but
// BEGIN / START TRANSACTION, COMMIT (AND CHAIN too), SAVEPOINT and RELEASE (red team R76 S1, S2:
// ROLLBACK TO SAVEPOINT, ROLLBACK, ABORT, PREPARE TRANSACTION and ROLLBACK PREPARED undo or hold
// back the copy while the DROP of b still runs).
bool undoes(const pg::Node* node) {
    const auto* t = pg::as<TransactionStmt>(node);
    if (t == nullptr) return false;
    switch (t->kind) {
        case TRANS_STMT_BEGIN: case TRANS_STMT_START: case TRANS_STMT_COMMIT: case TRANS_STMT_SAVEPOINT: case TRANS_STMT_RELEASE:
            return false;
        default:
            return true;
    }
}

// A call or subquery anywhere in the copy's SELECT (red team R76 S3: `ORDER BY generate_series(1,
// 0)` returns no row): a set-returning function changes how many rows there are, and a subquery or
// function may read or write what pgfence does not see.
bool calls_anything(const pg::Node* node) {
    if (node == nullptr) return false;
    if (pg::is<FuncCall>(node) || pg::is<SubLink>(node) || pg::is<RangeFunction>(node) || pg::is<RangeSubselect>(node)) return true;
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || calls_anything(child); });
    return found;
}

// ORDER BY plain columns only (red team R76 S3), though calls_anything refuses the rest too.
bool sorts_by_columns(const SelectStmt* select) {
    for (const pg::Node* item : pg::each(select->sortClause)) {
        const auto* sort = pg::as<SortBy>(item);
        if (sort == nullptr || !pg::is<ColumnRef>(sort->node)) return false;
    }
    return true;
}

// ALTER TABLE subcommands on the new t that change neither its rows nor its columns, nor what a
// write to it does (a constraint that does not hold makes the statement fail; the triggers' are
// followed in proven_between).
bool keeps_rows(AlterTableType subtype) {
    switch (subtype) {
        case AT_EnableRowSecurity: case AT_DisableRowSecurity: case AT_ForceRowSecurity: case AT_NoForceRowSecurity:
        case AT_EnableTrig: case AT_EnableAlwaysTrig: case AT_EnableReplicaTrig: case AT_DisableTrig:
        case AT_EnableTrigAll: case AT_DisableTrigAll: case AT_EnableTrigUser: case AT_DisableTrigUser:
        case AT_AddConstraint: case AT_ValidateConstraint: case AT_SetStatistics: case AT_ReplicaIdentity:
        case AT_SetRelOptions: case AT_ResetRelOptions: case AT_ClusterOn:
            return true;
        default:
            return false;
    }
}

// ALTER TABLE b NO FORCE / DISABLE ROW LEVEL SECURITY, and nothing else: lets b's owner read every row.
bool lifts_row_security(const pg::Node* node, const QualifiedName& aside) {
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr || !schema::same_name(schema::name_of_range_var(alter->relation), aside)) {
        return false;
    }
    bool any = false;
    for (const AlterTableCmd* c : pg::each<AlterTableCmd>(alter->cmds)) {
        if (c->subtype != AT_NoForceRowSecurity && c->subtype != AT_DisableRowSecurity) return false;
        any = true;
    }
    return any;
}

// Does the copy see every row of b? Not when b's row-level security is forced: its policies then
// filter what even its owner reads (ALTER TABLE ... FORCE ROW LEVEL SECURITY), and the rows they hide
// are dropped with b. Only a superuser or a BYPASSRLS role, which pgfence cannot know the migration
// runs as, reads past them; lifting FORCE (or row-level security) on b before the copy shows them.
bool unfiltered_copy(const std::vector<const pg::Node*>& stmts, const RenamedAside& out, const model::TableKeeps& old) {
    if (!old.row_security || !old.force_row_security) return true;
    for (std::size_t k = out.rename_at + 1; k < out.copy_at && k < stmts.size(); ++k) {
        if (lifts_row_security(stmts[k], out.aside)) return true;
    }
    return false;
}

// Proof that nothing from the rename up to `end` (the DROP of b, or the file's end) but the
// CREATE and the copy changes what the new t holds (red team R75 F10, F11): each statement read
// (no DO block, CALL, function or statement the lock model does not know: what they do is not
// seen), none writing rows or dropping with CASCADE, none touching b, and of those touching a
// relation named t, only GRANT, COMMENT, indexes, policies, triggers made or dropped and the
// subcommands of keeps_rows. No rule on t, and no trigger of t that fires at the copy (an AFTER
// trigger may delete what the copy wrote): a trigger made before the copy must be disabled for
// it. One made after it fires only on later writes, which the file makes none of here.
bool proven_between(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts, const RenamedAside& out,
                    std::size_t end) {
    std::map<std::string, model::TriggerKept> fires;  // the new t's triggers made before the copy
    for (std::size_t k = out.rename_at; k < end && k < stmts.size() && k < facts.size(); ++k) {
        // The rename and the CREATE too: an event trigger may run where they do.
        const StatementFacts& f = facts[k];
        if (f.status != StatementStatus::Analyzed || f.runs_user_code) return false;
        if (k == out.rename_at || k == out.create_at) continue;
        if (undoes(stmts[k])) return false;
        if (k == out.copy_at) {
            if (std::any_of(fires.begin(), fires.end(), [](const auto& t) { return t.second.fires; })) return false;
            continue;
        }
        const pg::Node* node = stmts[k];
        if (pg::is<InsertStmt>(node) || pg::is<UpdateStmt>(node) || pg::is<DeleteStmt>(node) || pg::is<MergeStmt>(node) ||
            pg::is<TruncateStmt>(node) || pg::is<CopyStmt>(node) || pg::is<RuleStmt>(node) || pg::is<CreateEventTrigStmt>(node) ||
            pg::is<DoStmt>(node) || pg::is<CallStmt>(node) || pg::is<ExecuteStmt>(node)) {
            return false;
        }
        if (const auto* drop = pg::as<DropStmt>(node); drop != nullptr && drop->behavior == DROP_CASCADE) return false;
        // Another role may not own b: its row-level security then shows the copy only the rows
        // its policies admit (the owner bypasses it, unless FORCE; CREATE POLICY).
        if (const auto* set = pg::as<VariableSetStmt>(node);
            set != nullptr && (pg::text(set->name) == "role" || pg::text(set->name) == "session_authorization")) {
            return false;
        }
        if (locks_name(f, out.aside.name)) {
            if (k < out.copy_at && lifts_row_security(node, out.aside)) continue;  // see unfiltered_copy
            return false;
        }
        if (!locks_name(f, out.table.name)) continue;
        if (pg::is<GrantStmt>(node) || pg::is<CommentStmt>(node) || pg::is<IndexStmt>(node) || pg::is<CreatePolicyStmt>(node) ||
            pg::is<AlterPolicyStmt>(node)) {
            continue;
        }
        if (const auto* drop = pg::as<DropStmt>(node);
            drop != nullptr && (drop->removeType == OBJECT_TRIGGER || drop->removeType == OBJECT_POLICY || drop->removeType == OBJECT_INDEX)) {
            if (drop->removeType == OBJECT_TRIGGER) {
                for (const List* items : pg::each<List>(drop->objects)) fires.erase(std::string(pg::last_name(items)));
            }
            continue;
        }
        if (const auto* trigger = pg::as<CreateTrigStmt>(node)) {
            if (k < out.copy_at || out.copy_at == 0) fires[std::string(pg::text(trigger->trigname))] = {};
            continue;
        }
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr) return false;
        for (const AlterTableCmd* c : pg::each<AlterTableCmd>(alter->cmds)) {
            if (!keeps_rows(c->subtype)) return false;
            model::enable_triggers(fires, c);
        }
    }
    return true;
}

// Does the copy put each old column's values into the column of the same name and type, and does
// every row reach the new t (red team R74 F3, R75 F9)? Not when a column of the old t that the new
// one has is left out (it takes NULL or its default: the old values are lost with b), a column is
// filled from another or from an expression (`SELECT id, 'x' FROM b`), `SELECT *` meets a new t
// whose columns are in another order, a kept column's type is another ("char" keeps one byte of
// text, smallint refuses what does not fit, and an ALTER TYPE is refused by proven_between), or
// the new t's columns are not all written in its CREATE (LIKE, INHERITS). The new t's columns at
// the copy are its CREATE's: proven_between refuses every statement that changes them.
bool copies_each_column(const InsertStmt* insert, const SelectStmt* select, const CreateStmt* create,
                        const std::vector<StatementFacts>& facts, std::size_t rename_at, const std::string& old_name) {
    if (create->inhRelations != nullptr) return false;
    std::vector<std::string> made;  // the new t's columns, in order
    std::map<std::string, std::string> made_types;
    for (const pg::Node* element : pg::each(create->tableElts)) {
        if (pg::is<Constraint>(element)) continue;
        const auto* def = pg::as<ColumnDef>(element);
        if (def == nullptr) return false;  // LIKE: columns pgfence does not list here
        made.emplace_back(pg::text(def->colname));
        made_types.emplace(made.back(), canonical_type(def->typeName));
    }
    std::vector<std::string> targets;  // the columns the INSERT fills, in order
    if (insert->cols != nullptr) {
        for (const ResTarget* c : pg::each<ResTarget>(insert->cols)) targets.emplace_back(c->name != nullptr ? c->name : "");
    } else {
        targets = made;
    }
    const std::optional<std::vector<std::string>> old =
        rename_at < facts.size() ? read_renamed_columns_note(facts[rename_at], old_name) : std::nullopt;
    const std::optional<std::vector<std::string>> old_types =
        rename_at < facts.size() ? read_renamed_column_types_note(facts[rename_at], old_name) : std::nullopt;
    std::vector<std::string> sources;  // each value's column of b, "" for anything else
    for (const ResTarget* rt : pg::each<ResTarget>(select->targetList)) {
        const auto* ref = rt != nullptr ? pg::as<ColumnRef>(rt->val) : nullptr;
        const pg::Node* field = ref != nullptr ? pg::last(ref->fields) : nullptr;
        if (field != nullptr && pg::is<A_Star>(field)) {
            // b's columns in their order: known only from the migrations.
            if (!old || pg::length(select->targetList) != 1) return false;
            sources = *old;
            break;
        }
        sources.emplace_back(field != nullptr && pg::is<String>(field) ? std::string(pg::text(field)) : std::string());
    }
    std::set<std::string> copied;
    for (std::size_t k = 0; k < targets.size() && k < sources.size(); ++k) {
        if (sources[k] != targets[k]) return false;  // into another column, or not a column of b
        copied.insert(targets[k]);
    }
    if (old) {
        if (!old_types || old_types->size() != old->size()) return false;
        for (std::size_t k = 0; k < old->size(); ++k) {
            auto it = made_types.find((*old)[k]);
            if (it == made_types.end()) continue;
            if (copied.count(it->first) == 0) return false;  // the new t has it, but not its values
            if ((*old_types)[k].empty() || it->second != (*old_types)[k]) return false;  // another type
            if (!pg_catalog_type(it->second)) return false;  // the same name, maybe not the same type
        }
    }
    return true;
}

}  // namespace

std::optional<RenamedAside> renamed_aside_from(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                               std::size_t rename_at) {
    const RenameStmt* rename = rename_at < stmts.size() && rename_at < facts.size() ? table_rename(stmts[rename_at]) : nullptr;
    if (rename == nullptr) return std::nullopt;
    RenamedAside out;
    out.rename_at = rename_at;
    out.table = schema::name_of_range_var(rename->relation);
    out.aside = {out.table.schema, std::string(pg::text(rename->newname))};
    // The new t, the copy's target and its source all in the old t's schema (red team R75 F7: a
    // CREATE TABLE other.t, or one under SET search_path = other, leaves the old t's name empty).
    const std::string home = resolved_schema(out.table.schema, facts[rename_at]);
    auto at_home = [&](const RangeVar* rv, std::size_t at) {
        return !home.empty() && at < facts.size() && resolved_schema(schema::name_of_range_var(rv).schema, facts[at]) == home;
    };
    if (home.empty()) return std::nullopt;
    const CreateStmt* create = nullptr;
    for (std::size_t i = rename_at + 1; i < stmts.size(); ++i) {
        const pg::Node* node = stmts[i];
        if (create == nullptr) {
            const auto* c = pg::as<CreateStmt>(node);
            if (c != nullptr && c->relation != nullptr && c->partbound == nullptr && c->ofTypename == nullptr &&
                schema::same_name(schema::name_of_range_var(c->relation), out.table)) {
                if (!at_home(c->relation, i)) return std::nullopt;
                // A TEMP table's rows go at the session's end, an UNLOGGED one's at a crash, and it
                // has none on a replica (red team R76 S5).
                if (c->relation->relpersistence != 'p') return std::nullopt;
                // Its types are compared by name with the old t's: only where pg_catalog's come first.
                if (!catalog_first(facts[i]) || !catalog_first(facts[rename_at])) return std::nullopt;
                if (std::any_of(stmts.begin(), stmts.begin() + static_cast<std::ptrdiff_t>(i),
                                [](const pg::Node* n) { return shadows_catalog_type(n) || sets_default_path(n); })) {
                    return std::nullopt;
                }
                // Nor what earlier files made, set or left unread (red team R77 S2, S3).
                if (has_renamed_types_unsure_note(facts[rename_at], pg::display_name(rename->relation))) return std::nullopt;
                create = c;
                out.create_at = i;
            } else if (table_rename(node) != nullptr && names(node, out.aside)) {
                return std::nullopt;  // b renamed again before t is made anew
            }
            continue;
        }
        const auto* insert = pg::as<InsertStmt>(node);
        if (insert == nullptr || insert->relation == nullptr || !schema::same_name(schema::name_of_range_var(insert->relation), out.table)) {
            continue;
        }
        const auto* select = pg::as<SelectStmt>(insert->selectStmt);
        if (select == nullptr || select->valuesLists != nullptr || !names(insert->selectStmt, out.aside)) continue;
        // Every row, or no copy-and-swap: a plain SELECT from the aside table alone, with no WHERE,
        // LIMIT, OFFSET, grouping, DISTINCT, locking clause (SKIP LOCKED leaves rows behind) or ON
        // CONFLICT that could leave rows behind (red team R69 C1: `SELECT * FROM b LIMIT 0` copied
        // nothing, and b was then dropped); and no OVERRIDING USER VALUE, which gives identity
        // columns new values instead of b's (red team R75 F8). Nor FROM ONLY, which leaves out the
        // rows of b's partitions and children (red team R76 S4), nor a call or subquery anywhere in
        // it, nor an ORDER BY but of columns (S3), nor an alias naming b's columns anew (`FROM b AS
        // x(id, hash, email)` puts each value in another column; red team R77 S4).
        const auto* from = pg::length(select->fromClause) == 1 ? pg::as<RangeVar>(pg::nth(select->fromClause, 0)) : nullptr;
        if (select->op != SETOP_NONE || from == nullptr || !schema::same_name(schema::name_of_range_var(from), out.aside) ||
            select->whereClause != nullptr || select->limitCount != nullptr || select->limitOffset != nullptr ||
            select->groupClause != nullptr || select->havingClause != nullptr || select->distinctClause != nullptr ||
            select->withClause != nullptr || select->lockingClause != nullptr ||
            (from->alias != nullptr && from->alias->colnames != nullptr) || insert->onConflictClause != nullptr ||
            !from->inh || !sorts_by_columns(select) || calls_anything(insert->selectStmt) ||
            insert->withClause != nullptr || insert->override == OVERRIDING_USER_VALUE || !at_home(insert->relation, i) ||
            !at_home(from, i)) {
            return std::nullopt;
        }
        if (!copies_each_column(insert, select, create, facts, rename_at, pg::display_name(rename->relation))) return std::nullopt;
        out.copy_at = i;
        break;
    }
    if (create == nullptr || out.copy_at == 0) return std::nullopt;
    // The DROP of b after the copy, in b's schema; the proof runs up to it (or the file's end).
    for (std::size_t i = out.copy_at + 1; i < stmts.size() && out.drop_at == 0; ++i) {
        const auto* drop = pg::as<DropStmt>(stmts[i]);
        if (drop == nullptr || drop->removeType != OBJECT_TABLE) continue;
        for (const List* items : pg::each<List>(drop->objects)) {
            const QualifiedName dropped = schema::name_of_list(items);
            if (schema::same_name(dropped, out.aside) && i < facts.size() && resolved_schema(dropped.schema, facts[i]) == home) out.drop_at = i;
        }
    }
    if (!proven_between(stmts, facts, out, out.drop_at != 0 ? out.drop_at : stmts.size())) return std::nullopt;
    // The other tables' foreign keys stay with b, not the new t (red team R69 C11): no copy-and-swap
    // pgfence lets pass.
    if (has_renamed_protections_note(facts[rename_at], pg::display_name(rename->relation))) return std::nullopt;
    // What stays with b (the lock model's notes on the rename) that the file does not give the new t:
    // default privileges set before it is made count, and what the statements after it do to it.
    TableAcl defaults;
    const model::TableKeeps old = model::read_table_keeps(facts[rename_at], pg::display_name(rename->relation), defaults);
    if (!unfiltered_copy(stmts, out, old)) return std::nullopt;
    auto names_it = [&](std::string_view schema, std::string_view relname) {
        return schema::same_name({std::string(schema), std::string(relname)}, out.table);
    };
    const model::TableKeeps now = model::new_table_keeps(std::move(defaults), stmts, rename_at + 1, out.create_at, names_it);
    out.lost = model::lost_in_swap(old, now);
    // The old t's columns (the lock model's note on the rename) against the new t's.
    if (auto columns = read_renamed_columns_note(facts[rename_at], pg::display_name(rename->relation))) {
        out.columns_known = true;
        std::vector<std::string> now_columns;
        for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) now_columns.emplace_back(pg::text(def->colname));
        for (const std::string& column : *columns) {
            if (std::find(now_columns.begin(), now_columns.end(), column) == now_columns.end()) out.missing.push_back(column);
        }
    }
    return out;
}

std::optional<RenamedAside> renamed_aside_after(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                                std::size_t from, const QualifiedName& table) {
    for (std::size_t i = from; i < stmts.size(); ++i) {
        const RenameStmt* rename = table_rename(stmts[i]);
        if (rename != nullptr && schema::same_name(schema::name_of_range_var(rename->relation), table)) {
            return renamed_aside_from(stmts, facts, i);
        }
        // The table made anew or dropped before any rename: no copy-and-swap of this one.
        if (const auto* c = pg::as<CreateStmt>(stmts[i]); c != nullptr && c->relation != nullptr &&
                                                          schema::same_name(schema::name_of_range_var(c->relation), table)) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<RenamedAside> renamed_aside_to(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                             std::size_t before, const QualifiedName& aside) {
    for (std::size_t i = std::min(before, stmts.size()); i-- > 0;) {
        const RenameStmt* rename = table_rename(stmts[i]);
        if (rename == nullptr || !schema::same_name({schema::name_of_range_var(rename->relation).schema, std::string(pg::text(rename->newname))}, aside)) {
            continue;
        }
        // The DROP at `before` must be the one the proof ran up to, and pgfence must know the old
        // t's columns: otherwise nothing shows that the copy took every one of them.
        auto found = renamed_aside_from(stmts, facts, i);
        if (found && found->copy_at < before && found->drop_at == before && found->columns_known) return found;
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::rules
