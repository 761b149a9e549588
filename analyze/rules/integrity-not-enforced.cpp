// A migration that stops PostgreSQL from checking the application's writes on a table it did not
// create: ALTER TABLE ... DROP CONSTRAINT of a primary key, unique, exclusion, foreign key or
// check constraint; DROP INDEX of a unique index; ALTER TABLE ... DISABLE TRIGGER ALL / USER / a
// trigger by name (a foreign key is enforced by triggers, RI_ConstraintTrigger_*) or ENABLE
// REPLICA TRIGGER (it then fires only under session_replication_role = replica); ALTER DOMAIN ...
// DROP CONSTRAINT. From then on the application's inserts and updates store duplicate keys or
// orphaned rows, and no lock shows it (checked on PostgreSQL 15: after DROP CONSTRAINT orders_pkey
// a second row with the same id is accepted; after DROP CONSTRAINT orders_user_id_fkey, or
// DISABLE TRIGGER ALL, an order for a user that does not exist is accepted).
// Allowed: a unique index or constraint whose columns another full unique index or constraint of
// the table (its primary key) still covers, as the migrations show it; the same kind of constraint
// (the same columns, where the migrations show them) added to the table elsewhere in the file, a constraint of the same name added again, a trigger enabled
// again later in the file (MEDIUM when the file writes rows meanwhile), a CHECK (c IS NOT NULL)
// whose column is NOT NULL by then (the SET NOT NULL recipe), a domain made in the file or given
// another constraint in it. A trigger the migrations created, disabled by name, is MEDIUM (its work
// stops, as with DROP TRIGGER); one they do not show may be a foreign key's and is HIGH. A table's
// CHECK dropped is MEDIUM: recipes drop one once something else enforces it (a partition's bound).
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "analyze/base/ascii.hpp"
#include "analyze/model/integrity_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/model/plpgsql/plpgsql_trigger_body.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/renamed_aside.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// At most this many statements around the one checked are looked at, so a file stays linear.
constexpr std::size_t k_look = 2000;

// The SQL statements at the top level of a DO block's body, as PL/pgSQL runs them in order (not
// those under IF, a loop or CASE, which may not run; none when the block has an EXCEPTION part,
// which may undo them), each passed to `visit` parsed; true when `visit` said stop.
template <class F>
bool each_do_statement(const pg::Node* node, F&& visit, std::size_t i) {
    const auto* block = pg::as<DoStmt>(node);
    if (block == nullptr) return false;
    std::string body;
    for (const DefElem* d : pg::each<DefElem>(block->args)) {
        if (pg::text(d->defname) == "as") body = std::string(pg::text(d->arg));
    }
    for (const std::string& query : body_top_level_sql(body)) {
        ParsedStatement one = parse_statement(query);
        if (!one.failure && visit(i, one.stmt)) return true;
    }
    return false;
}

// The file's other statements around the one checked, and the SQL at the top level of its DO
// blocks (the one the checked statement stands in too: a DO block that drops a constraint and adds
// its replacement).
template <class F>
void for_each_other(const StatementContext& ctx, bool earlier_too, F&& visit) {
    if (ctx.stmts == nullptr) return;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    const std::size_t from = earlier_too ? (at > k_look ? at - k_look : 0) : at + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i <= at + k_look; ++i) {
        const pg::Node* node = (*ctx.stmts)[i];
        if (i != at && visit(i, node)) return;
        if ((i != at || node != ctx.stmt) && each_do_statement(node, visit, i)) return;
    }
}

std::vector<std::string> sorted(std::vector<std::string> columns) {
    std::sort(columns.begin(), columns.end());
    return columns;
}

// "a, b" of a note back into its quoted names.
std::vector<std::string> split_columns(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (!text.empty() && at <= text.size()) {
        const std::size_t comma = text.find(", ", at);
        out.push_back(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos) break;
        at = comma + 2;
    }
    return sorted(out);
}

std::vector<std::string> quoted(const List* names) {
    std::vector<std::string> out;
    for (const pg::Node* n : pg::each(names)) out.push_back(quote_ident(pg::text(n)));
    return sorted(out);
}

// Kind as the note says it, from the name PostgreSQL gives a constraint (ChooseConstraintName's
// labels: pkey, key, fkey, check, excl) when the migrations do not show the table.
std::string kind_from_name(std::string_view name) {
    if (name.ends_with("_pkey") || name.ends_with("_pk")) return "primary key";
    if (name.ends_with("_fkey") || name.ends_with("_fk")) return "foreign key";
    if (name.ends_with("_key") || name.ends_with("_unique") || name.ends_with("_uniq")) return "unique";
    if (name.ends_with("_check")) return "check";
    if (name.ends_with("_excl")) return "exclusion";
    return "unknown";
}

bool kind_matches(std::string_view kind, ConstrType type) {
    if (kind == "primary key") return type == CONSTR_PRIMARY;
    if (kind == "unique") return type == CONSTR_UNIQUE || type == CONSTR_PRIMARY;
    if (kind == "foreign key") return type == CONSTR_FOREIGN;
    if (kind == "check" || kind == "not-null check") return type == CONSTR_CHECK;
    if (kind == "exclusion") return type == CONSTR_EXCLUSION;
    return false;
}

// Does another statement of the file add back what the drop removes: a constraint of the same name
// on the table, or of the same kind (on the same columns when they are known), or a unique index
// on the same columns for a unique one?
// A DO block that adds the constraint `name` back only where pg_constraint has none of that name
// (harbor's `IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'x') THEN ALTER TABLE ...
// ADD CONSTRAINT x ...`): after the drop, it runs.
bool guarded_add_again(const DoStmt* block, std::string_view name) {
    std::string body;
    for (const DefElem* d : pg::each<DefElem>(block->args)) {
        if (pg::text(d->defname) == "as") body = lowered(pg::text(d->arg));
    }
    const std::string n = lowered(name);
    if (n.empty() || body.find("pg_constraint") == std::string::npos || body.find("not exists") == std::string::npos ||
        body.find("conname") == std::string::npos || body.find("'" + n + "'") == std::string::npos) {
        return false;
    }
    for (std::size_t at = body.find("add constraint"); at != std::string::npos; at = body.find("add constraint", at + 1)) {
        std::size_t word = at + 14;
        while (word < body.size() && (body[word] == ' ' || body[word] == '\t' || body[word] == '\n' || body[word] == '\r')) ++word;
        const std::size_t end = word + n.size();
        if (body.compare(word, n.size(), n) == 0 && (end >= body.size() || !(std::isalnum(static_cast<unsigned char>(body[end])) != 0 || body[end] == '_'))) {
            return true;
        }
    }
    return false;
}

// `widened`, when given, is set to the name of a later unique index or constraint of the file on
// all the old key's columns and more (Prisma's (date, symbol) -> (dataSource, date, symbol)):
// not a replacement (duplicates of the old key that differ in the new columns are accepted), but
// the author's chosen key.
// The table and the columns are followed through the file's renames after the drop (Prisma's
// naming-convention migrations drop every foreign key, rename the tables and columns, then add the
// keys back under the new names: the stranger review 84, rallly 20220511180705).
// A relation's schema as written ("" unqualified): after a rename is followed, only statements on
// the dropped table's schema as written count (red team r84b #2: archive.orders renamed is not
// public.orders), and SET SCHEMA stops the following.
std::string_view schema_written(const RangeVar* rv) { return rv != nullptr && rv->schemaname != nullptr ? pg::text(rv->schemaname) : ""; }

bool replaced(const StatementContext& ctx, std::string_view dropped_from, std::string_view name, const DroppedConstraint& what,
              std::string* widened = nullptr, std::string_view dropped_schema = "") {
    const std::vector<std::string> dropped_columns = split_columns(what.columns);
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    std::string renamed_table(dropped_from);
    std::vector<std::string> renamed_columns = dropped_columns;
    bool found = false;
    const auto visit = [&](std::size_t i, const pg::Node* node) {
        const bool after = i > at;
        const bool followed = renamed_table != dropped_from || renamed_columns != dropped_columns;
        if (const auto* moved = pg::as<AlterObjectSchemaStmt>(node); after && moved != nullptr && moved->relation != nullptr &&
            pg::relname(moved->relation) == renamed_table) {
            renamed_table = "\x01";  // moved to another schema: nothing after it is this table as written
            return false;
        }
        if (const auto* rename = pg::as<RenameStmt>(node); after && rename != nullptr) {
            if (rename->relation == nullptr || rename->newname == nullptr || pg::relname(rename->relation) != renamed_table ||
                schema_written(rename->relation) != dropped_schema) {
                return false;
            }
            if (rename->renameType == OBJECT_TABLE) renamed_table = pg::text(rename->newname);
            if (rename->renameType == OBJECT_COLUMN && rename->subname != nullptr) {
                const std::string from = quote_ident(pg::text(rename->subname));
                for (std::string& c : renamed_columns) {
                    if (c == from) c = quote_ident(pg::text(rename->newname));
                }
                renamed_columns = sorted(renamed_columns);
            }
            return false;
        }
        const std::string_view relname = after ? std::string_view(renamed_table) : dropped_from;
        const std::vector<std::string>& columns = after ? renamed_columns : dropped_columns;
        const auto wider = [&](const std::vector<std::string>& keys, std::string_view by) {
            if (widened == nullptr || !widened->empty() || what.kind != "unique" || columns.empty() || keys.size() <= columns.size()) return;
            if (std::includes(keys.begin(), keys.end(), columns.begin(), columns.end())) *widened = by.empty() ? std::string("unnamed") : quote_ident(by);
        };
        if (const auto* block = pg::as<DoStmt>(node); block != nullptr && guarded_add_again(block, name)) return found = true;
        if (const auto* index = pg::as<IndexStmt>(node)) {
            if (what.kind != "unique" || !index->unique || index->relation == nullptr || pg::relname(index->relation) != relname ||
                (after && followed && schema_written(index->relation) != dropped_schema)) {
                return false;
            }
            std::vector<std::string> keys;
            for (const IndexElem* elem : pg::each<IndexElem>(index->indexParams)) {
                keys.push_back(elem->name != nullptr ? quote_ident(elem->name) : std::string("(expression)"));
            }
            // The same columns, or some of them: a unique index on fewer of its columns refuses every
            // duplicate the old one refused (documenso: UNIQUE (plan, customer) -> UNIQUE (customer)).
            // A partial one (WHERE) refuses them only in the rows it covers.
            keys = sorted(keys);
            if (index->whereClause == nullptr) wider(keys, index->idxname != nullptr ? std::string_view(index->idxname) : std::string_view());
            found = columns.empty() || (index->whereClause == nullptr && !keys.empty() &&
                                        std::find(keys.begin(), keys.end(), "(expression)") == keys.end() &&
                                        std::includes(columns.begin(), columns.end(), keys.begin(), keys.end()));
            return found;
        }
        // The table dropped in the file (drop-table reports that).
        if (const auto* drop = pg::as<DropStmt>(node); drop != nullptr && drop->removeType == OBJECT_TABLE) {
            for (const List* names : pg::each<List>(drop->objects)) {
                if (pg::last_name(names) == relname) return found = true;
            }
            return false;
        }
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr || pg::relname(alter->relation) != relname) return false;
        const std::string_view schema = schema_written(alter->relation);
        if (schema != dropped_schema && ((after && followed) || (!schema.empty() && !dropped_schema.empty()))) return false;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            // The constraint's columns dropped too (drop-column reports that): nothing is left to check.
            if (cmd->subtype == AT_DropColumn && !columns.empty() && cmd->name != nullptr &&
                std::find(columns.begin(), columns.end(), quote_ident(pg::text(cmd->name))) != columns.end()) {
                return found = true;
            }
            const auto* con = pg::as<Constraint>(cmd->def);
            if (cmd->subtype != AT_AddConstraint || con == nullptr) continue;
            if (con->conname != nullptr && pg::text(con->conname) == name) return found = true;
            if (!kind_matches(what.kind, con->contype)) continue;
            // Another primary key: the table keeps one, on the columns the author chose.
            if (what.kind == "primary key") return found = true;
            const List* keys = con->contype == CONSTR_FOREIGN ? con->fk_attrs : con->keys;
            if (columns.empty() || pg::length(keys) == 0 || quoted(keys) == columns) return found = true;
            // A foreign key on more columns that include the old one's still checks them
            // (Prisma's (media_id) -> (media_id, project_id)).
            const std::vector<std::string> now = quoted(keys);
            if (con->contype == CONSTR_FOREIGN && std::includes(now.begin(), now.end(), columns.begin(), columns.end())) {
                return found = true;
            }
            if (con->contype == CONSTR_UNIQUE || con->contype == CONSTR_PRIMARY) wider(now, con->conname != nullptr ? std::string_view(con->conname) : std::string_view());
            // A unique key on some of the old one's columns refuses every duplicate it did.
            if (what.kind == "unique" && con->contype != CONSTR_FOREIGN && !now.empty() &&
                std::includes(columns.begin(), columns.end(), now.begin(), now.end())) {
                return found = true;
            }
        }
        return false;
    };
    // The statement's own ADD CONSTRAINT (DROP CONSTRAINT a, ADD CONSTRAINT b), then the file's others.
    if (!pg::is<IndexStmt>(ctx.stmt) && visit(0, ctx.stmt)) return true;
    for_each_other(ctx, true, visit);
    return found;
}

// Another unique index or constraint the migrations show (the model's still_enforced_note) still
// refuses every duplicate `object` refused, and this statement does not drop it too (DROP INDEX
// a, b; ALTER TABLE ... DROP CONSTRAINT a, DROP CONSTRAINT b).
bool still_enforced(const StatementContext& ctx, const std::string& table, const std::string& object) {
    const std::string other = read_still_enforced_note(ctx.statement, table, object);
    if (other.empty()) return false;
    if (const auto* drop = ctx.as<DropStmt>()) {
        for (const pg::Node* o : pg::each(drop->objects)) {
            if (const List* names = pg::as<List>(o); names != nullptr && quote_ident(pg::last_name(names)) == other) return false;
        }
    }
    if (const auto* alter = ctx.as<AlterTableStmt>()) {
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_DropConstraint && cmd->name != nullptr && quote_ident(pg::text(cmd->name)) == other) return false;
        }
    }
    return true;
}

std::string what_stops(const DroppedConstraint& what, const std::string& table) {
    const std::string cols = what.columns.empty() ? "" : " (" + what.columns + ")";
    if (what.kind == "primary key" || what.kind == "unique") {
        return "PostgreSQL no longer refuses duplicate" + cols + " values: the application's inserts and updates "
               "can store the same key twice in " + table;
    }
    if (what.kind == "exclusion") return "PostgreSQL no longer refuses the overlapping rows it excluded in " + table;
    if (what.kind == "foreign key") {
        return "PostgreSQL no longer checks that " + (cols.empty() ? std::string("its columns point") : "(" + what.columns + ") points") +
               " at an existing row: the application can store "
               "orphaned rows in " + table + ", and deletes on the other side no longer cascade or refuse";
    }
    if (what.kind == "check") return "PostgreSQL no longer checks the rows the application writes to " + table + " against it";
    return "pgfence does not know what it is: when it is a primary key, unique, foreign key or check constraint, "
           "PostgreSQL no longer enforces it on the application's writes to " + table;
}

// A key the file widens (replaced's `widened`): a choice of the author's, said, and MEDIUM.
void widen(Finding& f, const std::string& widened, const DroppedConstraint& what) {
    if (widened.empty()) return;
    f.message += "; the file adds a wider unique key (" + widened + ") on (" + what.columns + ") and more columns, so rows equal in (" +
                 what.columns + ") that differ in the added columns are accepted: check that the wider key is intended";
    f.risk = Risk::Medium;
}

void drop_constraint(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter, const AlterTableCmd* cmd,
                     const std::string& table) {
    const std::string name(pg::text(cmd->name));
    if (still_enforced(ctx, table, quote_ident(name))) return;
    DroppedConstraint what =
        read_dropped_constraint_note(ctx.statement, table, quote_ident(name)).value_or(DroppedConstraint{"", ""});
    if (what.kind.empty() || what.kind == "unknown") what = {kind_from_name(name), what.columns};
    if (what.kind == "not-null check") return;  // the column is NOT NULL: the check proved nothing more
    std::string widened;
    if (replaced(ctx, pg::relname(alter->relation), name, what, &widened, schema_written(alter->relation))) return;
    // The old table of a copy-and-swap later in the file (renamed_aside.hpp): it is renamed aside,
    // and the application's writes go to the new table, whose constraints are its own.
    const auto at = static_cast<std::size_t>(ctx.statement.index);
    if (ctx.stmts != nullptr && at < ctx.stmts->size() && (*ctx.stmts)[at] == ctx.stmt &&
        renamed_aside_after(*ctx.stmts, ctx.file.statements, at + 1, schema::name_of_range_var(alter->relation))) {
        return;
    }
    Finding& f = sink.add(ctx.statement, "DROP CONSTRAINT " + quote_ident(name) + " on " + table + " (" +
                                             (what.kind == "unknown" ? std::string("a constraint")
                                                                       : with_article(what.kind) + (what.kind == "check" ? "" : " constraint")) +
                                             "): " + what_stops(what, table) + ", with no lock to show it");
    // A table's CHECK is also dropped by recipes once something else enforces it (a partition's
    // bound after ATTACH, NOT NULL after SET NOT NULL): MEDIUM, a review rather than a block.
    if (what.kind == "check") f.risk = Risk::Medium;
    widen(f, widened, what);
    f.relation = table;
    f.subcommand = pg::index_of(alter->cmds, cmd);
    f.fix = "keep the constraint; to change it, add its replacement in the same migration (ADD CONSTRAINT ... NOT VALID, "
            "then VALIDATE CONSTRAINT) before dropping it";
}

bool writes_rows(const pg::Node* stmt) {
    if (pg::is<InsertStmt>(stmt) || pg::is<UpdateStmt>(stmt) || pg::is<DeleteStmt>(stmt) || pg::is<MergeStmt>(stmt)) return true;
    const auto* copy = pg::as<CopyStmt>(stmt);
    return copy != nullptr && copy->is_from;
}

// The line of a later statement of the file that enables the trigger(s) again (0: none), and
// whether a statement between writes rows.
std::pair<int, bool> enabled_again(const StatementContext& ctx, std::string_view relname, AlterTableType disabled,
                                   std::string_view name) {
    int line = 0;
    bool writes = false;
    for_each_other(ctx, false, [&](std::size_t i, const pg::Node* node) {
        if (writes_rows(node)) writes = true;
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr || pg::relname(alter->relation) != relname) return false;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const bool all = cmd->subtype == AT_EnableTrigAll;
            const bool user = cmd->subtype == AT_EnableTrigUser;
            const bool named = (cmd->subtype == AT_EnableTrig || cmd->subtype == AT_EnableAlwaysTrig) && pg::text(cmd->name) == name;
            if ((disabled == AT_DisableTrigAll && all) || (disabled == AT_DisableTrigUser && (all || user)) ||
                ((disabled == AT_DisableTrig || disabled == AT_EnableReplicaTrig) && (all || user || named))) {
                line = ctx.file.statements[i].span.start.line;
                return true;
            }
        }
        return false;
    });
    return {line, writes};
}

void disable_trigger(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter, const AlterTableCmd* cmd,
                     const std::string& table) {
    const std::string name = cmd->name != nullptr ? std::string(pg::text(cmd->name)) : std::string();
    std::string which;
    Risk risk = Risk::High;
    if (cmd->subtype == AT_DisableTrigAll) {
        which = "DISABLE TRIGGER ALL turns off every trigger of " + table + ", the ones that enforce its foreign keys too: "
                "PostgreSQL no longer checks that the application's rows point at existing rows, nor runs the "
                "table's own triggers";
    } else if (cmd->subtype == AT_DisableTrigUser) {
        which = "DISABLE TRIGGER USER turns off every trigger of " + table + " the migrations made (audit, "
                "updated_at, counters, checks written as triggers): they no longer run on the application's writes";
    } else {
        const std::string spelling = cmd->subtype == AT_EnableReplicaTrig ? "ENABLE REPLICA TRIGGER " : "DISABLE TRIGGER ";
        const bool known = has_note(ctx.statement, known_trigger_note(table, quote_ident(name)));
        which = spelling + quote_ident(name) + " on " + table + (cmd->subtype == AT_EnableReplicaTrig
                                                                    ? " makes it fire only under session_replication_role = replica: "
                                                                    : ": ");
        if (known) {
            which += "the trigger the migrations made no longer runs on the application's writes";
            risk = Risk::Medium;
        } else {
            which += "pgfence does not know this trigger; when it is one that enforces a foreign key "
                     "(RI_ConstraintTrigger_*) or a check, PostgreSQL no longer enforces it on the application's writes";
        }
    }
    const auto [line, writes] = enabled_again(ctx, pg::relname(alter->relation), cmd->subtype, name);
    if (line > 0 && !writes) return;
    Finding& f = sink.add(ctx.statement, line > 0 ? which + "; enabled again at line " + std::to_string(line) +
                                                        ", but the rows written meanwhile are not checked"
                                                  : which + ", from now on, with no lock to show it");
    f.risk = line > 0 ? Risk::Medium : risk;
    f.relation = table;
    f.subcommand = pg::index_of(alter->cmds, cmd);
    f.fix = "leave the triggers enabled; to load rows without them, enable them again in the same transaction and check "
            "the rows written meanwhile (a query for orphaned rows)";
}

// Made in the file before, or given another constraint in it.
bool domain_kept(const StatementContext& ctx, const std::string& domain) {
    bool kept = false;
    for_each_other(ctx, true, [&](std::size_t i, const pg::Node* node) {
        if (const auto* create = pg::as<CreateDomainStmt>(node)) {
            kept = i < static_cast<std::size_t>(ctx.statement.index) && leading_names(create->domainname, pg::length(create->domainname)) == domain;
        } else if (const auto* alter = pg::as<AlterDomainStmt>(node)) {
            kept = alter->subtype == 'C' && leading_names(alter->typeName, pg::length(alter->typeName)) == domain;
        }
        return kept;
    });
    return kept;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* alter = ctx.as<AlterTableStmt>()) {
        if (alter->relation == nullptr) return;
        const std::string& table = ctx.display_name(alter->relation);
        const LockFact* lock = lock_on(ctx.statement, table);
        if (lock == nullptr || lock->is_new) return;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_DropConstraint && cmd->name != nullptr) drop_constraint(ctx, sink, alter, cmd, table);
            if (cmd->subtype == AT_DisableTrigAll || cmd->subtype == AT_DisableTrigUser ||
                ((cmd->subtype == AT_DisableTrig || cmd->subtype == AT_EnableReplicaTrig) && cmd->name != nullptr)) {
                disable_trigger(ctx, sink, alter, cmd, table);
            }
        }
        return;
    }
    if (const auto* domain = ctx.as<AlterDomainStmt>(); domain != nullptr && domain->subtype == 'X' && domain->name != nullptr) {
        const std::string name = leading_names(domain->typeName, pg::length(domain->typeName));
        if (domain_kept(ctx, name)) return;
        Finding& f = sink.add(ctx.statement, "ALTER DOMAIN " + name + " DROP CONSTRAINT " + quote_ident(pg::text(domain->name)) +
                                                 ": PostgreSQL no longer checks the values the application writes to every "
                                                 "column of domain " + name + " against it, with no lock to show it");
        f.fix = "keep the constraint; to change it, ADD CONSTRAINT the new one NOT VALID and VALIDATE it before dropping the old";
        return;
    }
    // DROP INDEX of a unique index an earlier migration made (the model's note says so).
    if (!ctx.as<DropStmt>()) return;
    for (const auto& note : ctx.statement.notes) {
        if (!note.starts_with(k_dropped_constraint_prefix)) continue;
        const auto is = note.rfind(" is a unique (");
        const auto of = note.find(" of ");
        if (is == std::string::npos || of == std::string::npos || of > is) continue;
        const std::string index = note.substr(k_dropped_constraint_prefix.size(), of - k_dropped_constraint_prefix.size());
        const std::string table = note.substr(of + 4, is - of - 4);
        const DroppedConstraint what{"unique", note.substr(is + 14, note.size() - is - 15)};
        std::string relname = table.substr(table.rfind('.') == std::string::npos ? 0 : table.rfind('.') + 1);
        if (relname.size() >= 2 && relname.front() == '"' && relname.back() == '"') relname = relname.substr(1, relname.size() - 2);
        std::string widened;
        if (replaced(ctx, relname, index, what, &widened) || still_enforced(ctx, table, index)) continue;
        Finding& f = sink.add(ctx.statement, "DROP INDEX " + index + " drops a unique index of " + table + ": " +
                                                 what_stops(what, table) + ", with no lock to show it");
        widen(f, widened, what);
        f.relation = table;
        f.fix = "keep the index; to change it, build its replacement (CREATE UNIQUE INDEX CONCURRENTLY) before dropping it";
    }
}

}  // namespace

PGFENCE_RULE(integrity_not_enforced) {
    return Rule{"integrity-not-enforced", Risk::High,
                "dropping a primary key, unique, foreign key or check constraint, a unique index, or disabling triggers "
                "lets the application's writes store duplicate keys or orphaned rows",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
