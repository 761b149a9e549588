// Checks over a whole file's report: plans that cannot be checked, temporary drops, tables made again (split from analyzer.cpp).
#include "analyze/analyzer_parts.hpp"

#include <set>

#include "analyze/model/table_swap.hpp"

namespace pgfence::analyze {

namespace analyzer_detail {
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

// What the old table had that stays with it, not its name, and that the file does not give the
// new one (red team R69 C11, R71, R72 F4; model/table_swap.hpp): the privileges GRANTs gave each
// role, its row-level security and policies, its triggers that fire. What the file does on the new
// table's name or the copy's (`names`) after the CREATE at `at` counts as given; default privileges
// set before it too.
std::vector<std::string> lost_with_old_table(const RelationInfo& old, const Catalog& start, const std::vector<const pg::Node*>& stmts,
                                             std::size_t at, const std::vector<std::string>& names) {
    const model::TableKeeps now = model::new_table_keeps(
        start.default_table_privileges(), stmts, 0, at, [&](std::string_view schema, std::string_view relname) {
            const std::string display = (schema.empty() ? std::string() : quote_ident(schema) + ".") + quote_ident(relname);
            return std::find(names.begin(), names.end(), display) != names.end();
        });
    return model::lost_in_swap(model::keeps_of(old), now).clauses("dropped table");
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
            std::vector<std::string> new_names{name};
            if (!copy.empty()) new_names.push_back(copy);
            const std::size_t made_at = copy.empty() ? at : [&] {
                std::size_t k = at;
                while (k-- > 0) {
                    const auto* c = pg::as<CreateStmt>(stmts[k]);
                    if (c == create) return k;
                }
                return at;
            }();
            for (std::string& lost : lost_with_old_table(*old, start, stmts, made_at, new_names)) misfits.push_back(std::move(lost));
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
}  // namespace analyzer_detail

}  // namespace pgfence::analyze
