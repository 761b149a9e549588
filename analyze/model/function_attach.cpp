#include "analyze/model/function_attach.hpp"

#include "analyze/model/attached_settings.hpp"
#include "analyze/model/copied_defaults.hpp"
#include "analyze/model/domain_defaults.hpp"
#include "analyze/model/event_triggers.hpp"
#include "analyze/model/query_column_types.hpp"
#include "analyze/model/rule_actions.hpp"
#include "analyze/model/typed_tables.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "analyze/model/function_calls.hpp"
#include "analyze/model/stored_builtins.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze {
namespace {

using Event = AttachedFunction::Event;
constexpr unsigned k_row_check = Event::Insert | Event::Update | Event::Rewrite;  // CHECK, generated, index

struct Call {
    std::string name;
    std::string schema;
};

std::string schema_of(const List* names) {
    int n = pg::length(names);
    return n > 1 ? std::string(pg::text(pg::nth(names, n - 2))) : std::string();
}

// The functions an expression (or query) calls, each once, in order; pg_catalog's are left out.
std::vector<Call> calls_in(const pg::Node* node) {
    std::vector<Call> out;
    std::set<std::pair<std::string, std::string>> seen;
    auto walk = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr) return;
        if (const FuncCall* call = pg::as<FuncCall>(n); call != nullptr && pg::length(call->funcname) > 0) {
            Call c{std::string(pg::last_name(call->funcname)), schema_of(call->funcname)};
            if (c.schema != "pg_catalog" && seen.insert({c.name, c.schema}).second) out.push_back(std::move(c));
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    walk(walk, node);
    return out;
}

// The relations a query names (each once).
std::vector<std::string> relations_in(const pg::Node* node) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto walk = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr) return;
        if (const RangeVar* rv = pg::as<RangeVar>(n)) {
            std::string relname(pg::relname(rv));
            if (!relname.empty() && seen.insert(relname).second) out.push_back(std::move(relname));
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    walk(walk, node);
    return out;
}

// The `index` of a statistics object's attachments: a name no index has (one never holds a NUL byte).
std::string statistics_key(const std::string& name) { return std::string("\0statistics:", 12) + name; }

std::string domain_default_via(const std::string& domain) {
    return "DEFAULT of domain " + domain + ", which runs it on every INSERT that gives a column of it no value";
}

using model::domain_default_key;
constexpr std::string_view k_default_key_prefix = model::k_domain_default_prefix;

class Collector {
public:
    Collector(const Catalog& catalog, std::vector<Attachment>& out) : m_catalog(catalog), m_out(out) {}

    void add(const std::string& relname, const pg::Node* expr, const std::string& via, unsigned events, bool runs_now = false,
             const char* constraint = nullptr) {
        for (Call& c : calls_in(expr)) {
            add_call(relname, std::move(c), via, events, runs_now);
            if (constraint != nullptr) m_out.back().function.constraint = constraint;
        }
        // PostgreSQL's own set_config() of a timeout, kept as a function of its own (attached_settings.hpp).
        for (std::string& name : attached_setting_names(expr)) {
            add_call(relname, Call{std::move(name), "pg_catalog"}, via, events, runs_now);
            if (constraint != nullptr) m_out.back().function.constraint = constraint;
        }
    }
    // A CHECK constraint of a table.
    void check(const std::string& relname, const std::string& on, const Constraint* con) {
        std::string via = "CHECK " + (con->conname != nullptr ? quote_ident(con->conname) + " " : std::string()) + "on " + on;
        add(relname, con->raw_expr, via, k_row_check, false, con->conname);
    }
    void add_call(const std::string& relname, Call c, const std::string& via, unsigned events, bool runs_now,
                  const std::string& trigger = {}, bool before_row = false) {
        Attachment a;
        a.relname = relname;
        a.function.name = std::move(c.name);
        a.function.schema = std::move(c.schema);
        a.function.via = via;
        a.function.trigger = trigger;
        a.function.events = events;
        a.function.before_row = before_row;
        a.runs_now = runs_now;
        m_out.push_back(std::move(a));
    }
    void add_names(const std::string& relname, const List* names, const std::string& via, bool runs_now) {
        if (pg::length(names) == 0) return;
        add_call(relname, Call{std::string(pg::last_name(names)), schema_of(names)}, via, 0, runs_now);
    }
    // A column's DEFAULT, generated expression, CHECKs and domain's CHECKs. `adding`: ALTER TABLE
    // ADD COLUMN, which fills the existing rows (its domain's checks run then).
    void column(const std::string& relname, const std::string& table, const ColumnDef* def, bool adding) {
        if (def == nullptr) return;
        std::string column = table + "." + std::string(pg::text(def->colname));
        add(relname, def->raw_default, "DEFAULT of " + column, Event::Insert);
        bool filled = def->raw_default != nullptr;
        // A cast to a domain in a DEFAULT or a generated column runs the domain's CHECKs with it: the
        // way a generated column, which must be immutable, reaches a volatile function (PostgreSQL
        // 15.20 accepts `GENERATED ALWAYS AS (a::d)` whose CHECK calls set_config(), and runs it on INSERT).
        for (const Constraint* c : pg::each<Constraint>(def->constraints)) {
            if (c->contype == CONSTR_DEFAULT) {
                add(relname, c->raw_expr, "DEFAULT of " + column, Event::Insert);
                domain_casts(relname, c->raw_expr, "DEFAULT of " + column, Event::Insert, false);
            }
            filled = filled || c->contype == CONSTR_DEFAULT || c->contype == CONSTR_GENERATED;
            if (c->contype == CONSTR_GENERATED) {
                add(relname, c->raw_expr, "generated column " + column, k_row_check);
                domain_casts(relname, c->raw_expr, "generated column " + column, k_row_check, false);
            }
            if (c->contype == CONSTR_CHECK) check(relname, column, c);
        }
        // A column added without a value of its own checks a NULL against its domain, but a NULL of
        // a composite or range type has no parts to check.
        const bool domain_typed = def->typeName != nullptr && pg::length(def->typeName->names) > 0 &&
                                  m_catalog.is_domain(std::string(pg::last_name(def->typeName->names)));
        domain(relname, column, def->typeName, adding && (filled || domain_typed));
        // No default of its own: the domain's DEFAULT fills it on INSERT (and, added, every row now).
        if (!filled && domain_typed) domain_default(relname, column, std::string(pg::last_name(def->typeName->names)), adding);
    }
    // The functions the DEFAULT of `domain` calls (a domain created over another without one has
    // its base's: record_attachments), attached to `relname`'s INSERTs through `column`.
    void domain_default(const std::string& relname, const std::string& column, const std::string& domain, bool runs_now) {
        const std::vector<std::string>* functions = m_catalog.domain_functions(domain_default_key(domain));
        if (functions == nullptr) return;
        for (const std::string& f : *functions) {
            const auto dot = f.rfind('.');
            Call c{dot == std::string::npos ? f : f.substr(dot + 1), dot == std::string::npos ? "" : f.substr(0, dot)};
            add_call(relname, std::move(c), "DEFAULT of domain " + domain + " on " + column, Event::Insert, runs_now);
        }
    }
    // A column whose effective default, as the lock model left it (ColumnInfo), is now its domain's:
    // of a domain (not an array of one) and with no default of its own, or none known. Seen on
    // PostgreSQL 15: the domain's DEFAULT fills the column on INSERT after CREATE TABLE t OF type
    // (an attribute of the domain), ALTER TYPE ... ADD or ALTER ATTRIBUTE ... CASCADE (the typed
    // tables' columns), ALTER COLUMN c TYPE d (a column with a DEFAULT of its own keeps it), and
    // ALTER COLUMN c DROP DEFAULT on a column of d.
    void effective_default(const std::string& relname, const std::string& table, const std::string& name, bool runs_now) {
        const RelationInfo* rel = m_catalog.find(relname);
        if (rel == nullptr) return;
        const auto it = rel->column_index.find(name);
        if (it == rel->column_index.end()) return;
        const ColumnInfo& c = rel->columns[it->second];
        if (c.has_default.value_or(false) || c.type.find('[') != std::string::npos) return;
        std::string type = type_base(c.type);
        if (const auto dot = type.rfind('.'); dot != std::string::npos) type.erase(0, dot + 1);
        if (m_catalog.is_domain(type)) domain_default(relname, table + "." + name, type, runs_now);
    }
    // CREATE TABLE AS, SELECT INTO: a column of a domain (cast to it, or of a table's or view's
    // column, a function's result of it: query_column_types.hpp) has no default of its own, so the
    // domain's DEFAULT fills it on INSERT (seen on PostgreSQL 15). A column whose type is not known
    // makes the statement unknown (function_calls_attached.cpp).
    void query_domain_defaults(const std::string& relname, const std::string& table, const pg::Node* query, const List* names) {
        if (model::domain_with_default_functions(m_catalog).empty()) return;
        for (const model::QueryColumn& c : model::query_column_types(query, names, m_catalog)) {
            if (c.type && m_catalog.is_domain(*c.type)) domain_default(relname, table + "." + c.name, *c.type, false);
        }
    }
    // The CHECKs of a column's type when it is a domain, with those of the domains under it
    // (Catalog::domain_check_functions; past its limit the relation overflows, as fired_by says).
    void domain(const std::string& relname, const std::string& column, const TypeName* type, bool adding, unsigned events = k_row_check) {
        if (type == nullptr || pg::length(type->names) == 0) return;
        std::string domain(pg::last_name(type->names));
        // A composite or range type: the domains among its parts (Catalog::domain_check_functions).
        const std::string via = (m_catalog.is_domain(domain) ? "domain " + domain + "'s CHECK" : "a domain CHECK inside type " + domain) +
                                " on " + column;
        for (const std::string& f : m_catalog.domain_check_functions(domain)) {
            auto dot = f.rfind('.');
            Call c{dot == std::string::npos ? f : f.substr(dot + 1), dot == std::string::npos ? "" : f.substr(0, dot)};
            add_call(relname, std::move(c), via, events, adding);
        }
    }
    // The domains `node` casts to (each type once): their CHECKs' functions, as domain() attaches them.
    void domain_casts(const std::string& relname, const pg::Node* node, const std::string& via, unsigned events, bool runs_now = true) {
        std::set<std::string> cast_to;
        auto walk = [&](auto&& self, const pg::Node* n) -> void {
            if (n == nullptr) return;
            const TypeCast* cast = pg::as<TypeCast>(n);
            if (cast != nullptr && cast->typeName != nullptr && pg::length(cast->typeName->names) > 0 &&
                cast_to.insert(std::string(pg::last_name(cast->typeName->names))).second) {
                domain(relname, via, cast->typeName, runs_now, events);
            }
            pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
        };
        walk(walk, node);
    }
    // The read attachments of the views `query` reads, as `events` of the view or materialized view being created.
    void views_read(const std::string& relname, const pg::Node* query, unsigned events) {
        for (const std::string& source : relations_in(query)) {
            const RelationInfo* info = m_catalog.find(source);
            if (info == nullptr || info->kind != "view") continue;
            for (const AttachedFunction& f : info->attached) {
                if (m_out.size() > k_max_attached) return;  // the relation overflows anyway
                if ((f.events & Event::Read) == 0) continue;
                add_call(relname, Call{f.name, f.schema}, f.via, events, false);
            }
        }
    }

private:
    const Catalog& m_catalog;
    std::vector<Attachment>& m_out;
};

std::string display_of(const Catalog& catalog, const RangeVar* rv) {
    const RelationInfo* info = std::as_const(catalog).find(std::string(pg::relname(rv)));
    return info != nullptr ? info->display : pg::display_name(rv);
}

unsigned trigger_events(int bits) {
    unsigned events = 0;
    if (bits & 4) events |= Event::Insert;
    if (bits & 8) events |= Event::Delete;
    if (bits & 16) events |= Event::Update;
    if (bits & 32) events |= Event::Truncate;
    return events;
}

// Adds to the relations' attachments, the same function reached the same way once (its events
// joined); each relation's are indexed once per statement, so a statement costs what it attaches
// plus at most k_max_attached.
class Attacher {
public:
    explicit Attacher(Catalog& catalog) : m_catalog(catalog) {}
    void add(const std::string& relname, const AttachedFunction& f) {
        RelationInfo* rel = m_catalog.find(relname);
        if (rel == nullptr) return;
        auto [slot, fresh] = m_keys.try_emplace(relname);
        if (fresh) {
            for (std::size_t i = 0; i < rel->attached.size(); ++i) slot->second.emplace(key(rel->attached[i]), i);
        }
        auto [it, added] = slot->second.emplace(key(f), rel->attached.size());
        if (!added) {
            AttachedFunction& kept = rel->attached[it->second];
            kept.events |= f.events;
            // A trigger made again (CREATE OR REPLACE TRIGGER): its new column list and state.
            if (!f.trigger.empty()) {
                kept.update_columns = f.update_columns;
                kept.disabled = f.disabled;
            }
            return;
        }
        // One past the limit marks the relation as overflowed (fired_by).
        if (rel->attached.size() <= k_max_attached) rel->attached.push_back(f);
    }

private:
    static std::string key(const AttachedFunction& f) { return f.via + '\n' + f.schema + '\n' + f.name; }
    Catalog& m_catalog;
    std::map<std::string, std::unordered_map<std::string, std::size_t>> m_keys;
};

// A policy's set_config() of a timeout (attached_settings.hpp) runs in the statements that read or
// write its table where row security applies (the table's owner only with FORCE ROW LEVEL SECURITY):
// kept with the table, as if it applied to this session.
void policy_settings(std::vector<Attachment>& out, const RangeVar* table) {
    if (table == nullptr) return;
    for (Attachment& a : out) {
        if (!is_attached_setting(a.function.name)) continue;
        a.relname = std::string(pg::relname(table));
        a.function.events = Event::Insert | Event::Update | Event::Delete | Event::Read;
    }
}

}  // namespace

std::vector<Attachment> attachments_of(const pg::Node* stmt, const Catalog& catalog) {
    std::vector<Attachment> out;
    Collector c(catalog, out);
    if (const CreateStmt* create = pg::as<CreateStmt>(stmt)) {
        std::string relname(pg::relname(create->relation));
        std::string table = display_of(catalog, create->relation);
        for (const pg::Node* element : pg::each(create->tableElts)) {
            if (const ColumnDef* def = pg::as<ColumnDef>(element)) c.column(relname, table, def, false);
            const Constraint* con = pg::as<Constraint>(element);
            if (con != nullptr && con->contype == CONSTR_CHECK) c.check(relname, table, con);
        }
        copied_defaults(create, catalog, out);
        // LIKE: the source's columns with their types; without INCLUDING DEFAULTS (or where the
        // source column has none) a column of a domain gets the domain's DEFAULT.
        for (const TableLikeClause* like : pg::each<TableLikeClause>(create->tableElts)) {
            const RelationInfo* src = like->relation != nullptr ? catalog.find(std::string(pg::relname(like->relation))) : nullptr;
            if (src == nullptr) continue;
            for (const ColumnInfo& column : src->columns) c.effective_default(relname, table, column.name, false);
        }
        // CREATE TABLE ... OF type: its columns are the type's attributes (typed_tables.cpp).
        if (const RelationInfo* rel = create->ofTypename != nullptr ? catalog.find(relname) : nullptr) {
            for (const ColumnInfo& column : rel->columns) c.effective_default(relname, table, column.name, false);
        }
    } else if (const AlterTableStmt* alter = pg::as<AlterTableStmt>(stmt)) {
        std::string relname(pg::relname(alter->relation));
        std::string table = display_of(catalog, alter->relation);
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_AddColumn) c.column(relname, table, pg::as<ColumnDef>(cmd->def), true);
            // ALTER COLUMN ... TYPE d: the rows converted now (function_calls_follow.cpp), the writes after.
            if (const ColumnDef* def = pg::as<ColumnDef>(cmd->def); def != nullptr && cmd->subtype == AT_AlterColumnType && cmd->name != nullptr) {
                c.domain(relname, table + "." + std::string(cmd->name), def->typeName, false);
                c.effective_default(relname, table, cmd->name, false);
            }
            if (cmd->subtype == AT_ColumnDefault && cmd->def == nullptr && cmd->name != nullptr) c.effective_default(relname, table, cmd->name, false);
            if (cmd->subtype == AT_ColumnDefault) {
                const std::size_t first = out.size();
                c.add(relname, cmd->def, "DEFAULT of " + table + "." + std::string(pg::text(cmd->name)), Event::Insert);
                inherited_defaults(alter, catalog, out, first);
            }
            const Constraint* con = cmd->subtype == AT_AddConstraint ? pg::as<Constraint>(cmd->def) : nullptr;
            if (con != nullptr && con->contype == CONSTR_CHECK) c.check(relname, table, con);
            // ALTER TYPE ... ADD | ALTER ATTRIBUTE ... CASCADE: the same on its typed tables
            // (without CASCADE PostgreSQL refuses while there are any).
            if (alter->objtype != OBJECT_TYPE || cmd->behavior != DROP_CASCADE) continue;
            const ColumnDef* def = pg::as<ColumnDef>(cmd->def);
            const char* attribute = cmd->subtype == AT_AddColumn && def != nullptr ? def->colname
                                    : cmd->subtype == AT_AlterColumnType       ? cmd->name
                                                                               : nullptr;
            if (attribute == nullptr) continue;
            for (const std::string& typed : model::typed_tables_of(catalog, relname)) {
                const RelationInfo* rel = catalog.find(typed);
                c.effective_default(typed, rel != nullptr ? rel->display : typed, attribute, cmd->subtype == AT_AddColumn);
            }
        }
    } else if (const IndexStmt* index = pg::as<IndexStmt>(stmt)) {
        // Built over every row now, and kept up on every write.
        std::string relname(pg::relname(index->relation));
        std::string via = (index->idxname ? "index " + quote_ident(index->idxname) : std::string("an index")) + " on " +
                          display_of(catalog, index->relation);
        std::size_t first = out.size();
        for (const IndexElem* e : pg::each<IndexElem>(index->indexParams)) c.add(relname, e->expr, via, k_row_check, true);
        c.add(relname, index->whereClause, via, k_row_check, true);
        // A cast to a domain in them runs the domain's CHECKs wherever they are evaluated (PostgreSQL
        // 15.20 accepts a domain whose CHECK calls a volatile function in an index expression).
        c.domain_casts(relname, reinterpret_cast<const pg::Node*>(index->indexParams), via, k_row_check);
        c.domain_casts(relname, index->whereClause, via, k_row_check);
        for (std::size_t i = first; i < out.size(); ++i) out[i].function.index = pg::text(index->idxname);
    } else if (const CreateStatsStmt* stats = pg::as<CreateStatsStmt>(stmt); stats != nullptr && pg::length(stats->relations) == 1) {
        // Extended statistics on expressions: ANALYZE evaluates them over its sample (PostgreSQL
        // 15.20 ran a statistics expression's function twice per row), nothing else does. Kept as
        // an index's are, under a name no index has, with no event: fired_by fires them at ANALYZE.
        const RangeVar* rv = pg::as<RangeVar>(pg::nth(stats->relations, 0));
        if (rv == nullptr) return out;
        std::string relname(pg::relname(rv));
        std::string name = pg::length(stats->defnames) > 0 ? std::string(pg::last_name(stats->defnames)) : std::string();
        std::string via = "statistics " + (name.empty() ? std::string() : quote_ident(name) + " ") + "on " + display_of(catalog, rv);
        std::size_t first = out.size();
        for (const StatsElem* e : pg::each<StatsElem>(stats->exprs)) {
            c.add(relname, e->expr, via, 0);
            c.domain_casts(relname, e->expr, via, 0);
        }
        for (std::size_t i = first; i < out.size(); ++i) out[i].function.index = statistics_key(name);
    } else if (const ViewStmt* view = pg::as<ViewStmt>(stmt)) {
        std::string relname(pg::relname(view->view));
        c.add(relname, view->query, "view " + display_of(catalog, view->view), Event::Read);
        c.views_read(relname, view->query, Event::Read);
    } else if (const CreateTableAsStmt* as = pg::as<CreateTableAsStmt>(stmt)) {
        if (as->objtype == OBJECT_MATVIEW && as->into != nullptr) {
            std::string relname(pg::relname(as->into->rel));
            c.add(relname, as->query, "materialized view " + display_of(catalog, as->into->rel), Event::Refresh);
            c.views_read(relname, as->query, Event::Refresh);
        } else if (as->into != nullptr && as->into->rel != nullptr) {
            c.query_domain_defaults(std::string(pg::relname(as->into->rel)), display_of(catalog, as->into->rel), as->query, as->into->colNames);
        }
    } else if (const IntoClause* into = model::select_into(stmt); into != nullptr && into->rel != nullptr) {
        c.query_domain_defaults(std::string(pg::relname(into->rel)), display_of(catalog, into->rel), stmt, into->colNames);
    } else if (const RuleStmt* rule = pg::as<RuleStmt>(stmt)) {
        // Its actions run with every INSERT, UPDATE or DELETE on the table (rule_actions.hpp);
        // kept under the rule's name in `trigger`, which DROP RULE and the next CREATE OR REPLACE clear.
        const unsigned events = rule->event == CMD_INSERT   ? Event::Insert
                                : rule->event == CMD_UPDATE ? Event::Update
                                : rule->event == CMD_DELETE ? Event::Delete
                                                            : 0u;
        // DO NOTHING (no actions) runs nothing.
        if (events != 0 && pg::length(rule->actions) > 0 && rule->relation != nullptr && rule->rulename != nullptr) {
            const std::string relname(pg::relname(rule->relation));
            c.add_call(relname, Call{rule_function_name(pg::text(rule->rulename), relname), ""},
                       "rule " + quote_ident(pg::text(rule->rulename)) + " on " + display_of(catalog, rule->relation), events,
                       false, "rule " + std::string(pg::text(rule->rulename)));
        }
    } else if (const CreateTrigStmt* trigger = pg::as<CreateTrigStmt>(stmt)) {
        if (pg::length(trigger->funcname) > 0 && trigger->trigname != nullptr) {
            std::string name(trigger->trigname);
            c.add_call(std::string(pg::relname(trigger->relation)),
                       Call{std::string(pg::last_name(trigger->funcname)), schema_of(trigger->funcname)},
                       "trigger " + quote_ident(name) + " on " + display_of(catalog, trigger->relation), trigger_events(trigger->events),
                       false, name, trigger->row && (trigger->timing & 2) != 0);  // 2: TRIGGER_TYPE_BEFORE (catalog/pg_trigger.h)
            // UPDATE OF a, b (CreateTrigStmt.columns): fires only on an UPDATE that sets one of them.
            if (!out.empty() && (trigger->events & 16) != 0) {
                for (const pg::Node* column : pg::each(trigger->columns)) out.back().function.update_columns.emplace_back(pg::text(column));
            }
        }
    } else if (const DefineStmt* define = pg::as<DefineStmt>(stmt)) {
        static const std::set<std::string_view> k_function_options = {
            "function", "procedure", "restrict", "join",    "sfunc",    "finalfunc", "combinefunc", "serialfunc",
            "deserialfunc", "msfunc", "minvfunc", "mfinalfunc", "input", "output", "receive", "send",
            "typmod_in", "typmod_out", "analyze", "subscript"};
        const char* what = define->kind == OBJECT_OPERATOR ? "operator " : define->kind == OBJECT_AGGREGATE ? "aggregate "
                           : define->kind == OBJECT_TYPE ? "type " : nullptr;
        if (what == nullptr) return out;
        std::string via = what + pg::qualified_name(define->defnames) + ", which runs it wherever it is used";
        for (const DefElem* d : pg::each<DefElem>(define->definition)) {
            if (k_function_options.count(pg::text(d->defname)) == 0 || d->arg == nullptr) continue;
            if (const TypeName* t = pg::as<TypeName>(d->arg)) c.add_names("", t->names, via, false);
            else if (const List* names = pg::as<List>(d->arg)) c.add_names("", names, via, false);
            else if (pg::is<String>(d->arg)) c.add_call("", Call{std::string(pg::text(d->arg)), ""}, via, 0, false);
        }
    } else if (const CreateCastStmt* cast = pg::as<CreateCastStmt>(stmt)) {
        if (cast->func != nullptr) c.add_names("", cast->func->objname, "a cast, which runs it wherever the cast is applied", false);
    } else if (const CreateEventTrigStmt* event = pg::as<CreateEventTrigStmt>(stmt)) {
        c.add_names("", event->funcname,
                    "event trigger " + quote_ident(pg::text(event->trigname)) + ", which runs it on every " +
                        std::string(pg::text(event->eventname)) + " of the DDL it matches",
                    true);
    } else if (const CreatePolicyStmt* policy = pg::as<CreatePolicyStmt>(stmt)) {
        std::string via = "policy " + quote_ident(pg::text(policy->policy_name)) + " on " + display_of(catalog, policy->table) +
                          ", which runs it on every read or write the policy applies to";
        c.add("", policy->qual, via, 0, false);
        c.add("", policy->with_check, via, 0, false);
        policy_settings(out, policy->table);
    } else if (const AlterPolicyStmt* policy = pg::as<AlterPolicyStmt>(stmt)) {
        // ALTER POLICY ... USING / WITH CHECK: the policy calls what its new expressions call.
        std::string via = "policy " + quote_ident(pg::text(policy->policy_name)) + " on " + display_of(catalog, policy->table) +
                          ", which runs it on every read or write the policy applies to";
        c.add("", policy->qual, via, 0, false);
        c.add("", policy->with_check, via, 0, false);
        policy_settings(out, policy->table);
    } else if (const CreateDomainStmt* domain = pg::as<CreateDomainStmt>(stmt)) {
        std::string name(pg::last_name(domain->domainname));
        std::size_t first = out.size();
        for (const Constraint* con : pg::each<Constraint>(domain->constraints)) {
            if (con->contype == CONSTR_CHECK) c.add("", con->raw_expr, "domain " + name + "'s CHECK", k_row_check);
        }
        for (std::size_t i = first; i < out.size(); ++i) out[i].domain = name;
        // Its DEFAULT runs on every INSERT that gives a column of it no value (red team c, Z5).
        first = out.size();
        for (const Constraint* con : pg::each<Constraint>(domain->constraints)) {
            if (con->contype == CONSTR_DEFAULT) c.add("", con->raw_expr, domain_default_via(name), Event::Insert);
        }
        for (std::size_t i = first; i < out.size(); ++i) out[i].domain = domain_default_key(name);
    } else if (const AlterDomainStmt* domain = pg::as<AlterDomainStmt>(stmt)) {
        if (domain->subtype == 'T' && domain->def != nullptr && pg::length(domain->typeName) > 0) {  // SET DEFAULT
            const std::string name(pg::last_name(domain->typeName));
            c.add("", domain->def, domain_default_via(name), Event::Insert);
            for (Attachment& a : out) a.domain = domain_default_key(name);
            return out;
        }
        const Constraint* con = domain->subtype == 'C' ? pg::as<Constraint>(domain->def) : nullptr;
        if (con == nullptr || con->contype != CONSTR_CHECK || pg::length(domain->typeName) == 0) return out;
        std::string name(pg::last_name(domain->typeName));
        std::size_t first = out.size();
        // Validated: every column of the domain, or of a domain over it, is checked now.
        bool checks = false;
        for (const std::string& d : catalog.domains_over(name)) checks = checks || (!con->skip_validation && !catalog.tables_using_type(d).empty());
        c.add("", con->raw_expr, "domain " + name + "'s CHECK", k_row_check, checks);
        for (std::size_t i = first; i < out.size(); ++i) out[i].domain = name;
    }
    return out;
}

std::optional<TriggerSwitch> trigger_switch(const AlterTableCmd* cmd) {
    switch (cmd->subtype) {
        case AT_EnableTrig: case AT_EnableAlwaysTrig: return TriggerSwitch{true, false};
        case AT_EnableReplicaTrig: case AT_DisableTrig: return TriggerSwitch{false, false};
        case AT_EnableTrigAll: case AT_EnableTrigUser: return TriggerSwitch{true, true};
        case AT_DisableTrigAll: case AT_DisableTrigUser: return TriggerSwitch{false, true};
        default: return std::nullopt;
    }
}

namespace {

// ALTER TABLE ... ENABLE / DISABLE TRIGGER on the triggers the catalog attached (trigger_switch).
void enable_triggers(RelationInfo& rel, const AlterTableCmd* cmd) {
    const std::optional<TriggerSwitch> change = trigger_switch(cmd);
    if (!change) return;
    for (AttachedFunction& f : rel.attached) {
        if (f.trigger.empty() || f.via.starts_with("rule ")) continue;
        if (change->every || (cmd->name != nullptr && f.trigger == cmd->name)) f.disabled = !change->fires;
    }
}

}  // namespace

void record_attachments(const pg::Node* stmt, const std::vector<Attachment>& attachments, Catalog& catalog) {
    record_event_trigger(stmt, catalog);  // fired by the DDL that follows (event_triggers.hpp)
    if (const DefineStmt* define = pg::as<DefineStmt>(stmt); define != nullptr && define->kind == OBJECT_OPERATOR) {
        // The function the operator runs, built-in or not, for the expressions that use it later
        // (stored_builtins.hpp); a later CREATE OPERATOR of the name adds its own (another overload).
        for (const DefElem* d : pg::each<DefElem>(define->definition)) {
            const std::string_view option = pg::text(d->defname);
            if ((option != "function" && option != "procedure") || d->arg == nullptr) continue;
            const List* names = pg::as<TypeName>(d->arg) != nullptr ? pg::as<TypeName>(d->arg)->names : pg::as<List>(d->arg);
            const int parts = pg::length(names);
            std::string function = parts > 1 ? std::string(pg::text(pg::nth(names, parts - 2))) : std::string();
            function += '\0';
            if (parts > 0) function += pg::last_name(names);
            else if (pg::is<String>(d->arg)) function += pg::text(d->arg);
            else continue;
            catalog.add_object_use(operator_function_key(pg::last_name(define->defnames)), function);
        }
    }
    if (const CreateCastStmt* cast = pg::as<CreateCastStmt>(stmt); cast != nullptr && cast->sourcetype != nullptr && cast->targettype != nullptr) {
        catalog.add_object_use(created_casts_key(), std::string(pg::last_name(cast->sourcetype->names)) + " " +
                                                        std::string(pg::last_name(cast->targettype->names)));
    }
    if (const DefineStmt* define = pg::as<DefineStmt>(stmt); define != nullptr && define->kind == OBJECT_AGGREGATE) {
        catalog.add_object_use(aggregate_key(pg::last_name(define->defnames)), pg::qualified_name(define->defnames));
    }
    if (const RenameStmt* rename = pg::as<RenameStmt>(stmt);
        rename != nullptr && rename->renameType == OBJECT_AGGREGATE && rename->newname != nullptr) {
        catalog.add_object_use(aggregate_key(pg::text(rename->newname)), std::string(pg::text(rename->newname)) + " (renamed)");
    }
    if (const ViewStmt* view = pg::as<ViewStmt>(stmt)) {
        // CREATE OR REPLACE VIEW: the new query's calls replace the old one's.
        if (RelationInfo* rel = catalog.find(std::string(pg::relname(view->view)))) rel->attached.clear();
    }
    if (const RuleStmt* rule = pg::as<RuleStmt>(stmt); rule != nullptr && rule->relation != nullptr && rule->rulename != nullptr) {
        // CREATE OR REPLACE RULE: the actions it replaces no longer run.
        if (RelationInfo* rel = catalog.find(std::string(pg::relname(rule->relation)))) {
            const std::string key = "rule " + std::string(pg::text(rule->rulename));
            erase_if(rel->attached, [&](const AttachedFunction& f) { return f.trigger == key && f.via.starts_with("rule "); });
        }
    }
    if (const DropStmt* drop = pg::as<DropStmt>(stmt);
        drop != nullptr && (drop->removeType == OBJECT_TRIGGER || drop->removeType == OBJECT_RULE)) {
        for (const pg::Node* o : pg::each(drop->objects)) {
            const List* items = pg::as<List>(o);
            if (pg::length(items) < 2) continue;
            RelationInfo* rel = catalog.find(std::string(pg::text(pg::nth(items, pg::length(items) - 2))));
            if (rel == nullptr) continue;
            const bool rule = drop->removeType == OBJECT_RULE;
            std::string name = (rule ? "rule " : "") + std::string(pg::text(pg::last(items)));
            // A rule's and a trigger's keys cannot be confused: a trigger named "rule r" is no rule.
            erase_if(rel->attached, [&](const AttachedFunction& f) { return f.trigger == name && f.via.starts_with("rule ") == rule; });
        }
    }
    if (const AlterTableStmt* alter = pg::as<AlterTableStmt>(stmt)) {
        RelationInfo* rel = catalog.find(std::string(pg::relname(alter->relation)));
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (rel != nullptr) enable_triggers(*rel, cmd);
            if (rel == nullptr || cmd->subtype != AT_DropConstraint || cmd->name == nullptr) continue;
            std::string name(cmd->name);
            erase_if(rel->attached, [&](const AttachedFunction& f) { return f.constraint == name; });
        }
    }
    if (const RenameStmt* rename = pg::as<RenameStmt>(stmt); rename != nullptr && rename->renameType == OBJECT_RULE) {
        RelationInfo* rel = rename->relation != nullptr ? catalog.find(std::string(pg::relname(rename->relation))) : nullptr;
        if (rel != nullptr && rename->subname != nullptr && rename->newname != nullptr) {
            for (AttachedFunction& f : rel->attached) {
                if (f.trigger == "rule " + std::string(rename->subname) && f.via.starts_with("rule ")) f.trigger = "rule " + std::string(rename->newname);
            }
        }
    }
    if (const RenameStmt* rename = pg::as<RenameStmt>(stmt); rename != nullptr && rename->renameType == OBJECT_TRIGGER) {
        RelationInfo* rel = catalog.find(std::string(pg::relname(rename->relation)));
        if (rel != nullptr && rename->subname != nullptr && rename->newname != nullptr) {
            for (AttachedFunction& f : rel->attached) {
                if (f.trigger != rename->subname || f.via.starts_with("rule ")) continue;
                f.trigger = rename->newname;
                f.via = "trigger " + quote_ident(f.trigger) + " on " + rel->display;
            }
        }
    }
    // A domain created over another without a DEFAULT of its own has the other's (typecmds.c
    // DefineDomain copies the base domain's typdefaultbin).
    if (const CreateDomainStmt* domain = pg::as<CreateDomainStmt>(stmt); domain != nullptr && domain->typeName != nullptr &&
                                                                        pg::length(domain->typeName->names) > 0) {
        const bool own = std::any_of(pg::each<Constraint>(domain->constraints).begin(), pg::each<Constraint>(domain->constraints).end(),
                                     [](const Constraint* con) { return con->contype == CONSTR_DEFAULT; });
        const auto* base = own ? nullptr : std::as_const(catalog).domain_functions(domain_default_key(pg::last_name(domain->typeName->names)));
        if (base != nullptr) catalog.add_domain_functions(domain_default_key(pg::last_name(domain->domainname)), std::vector<std::string>(*base));
        if (base != nullptr) catalog.add_object_use(model::k_domains_with_default_key, std::string(pg::last_name(domain->domainname)));
    }
    Attacher attacher(catalog);
    for (const Attachment& a : attachments) {
        // PostgreSQL's own functions (gen_random_uuid(), now()) run none of the migrations' SQL: not kept.
        bool builtin = a.function.schema.empty() || a.function.schema == "pg_catalog";
        if (builtin && catalog.functions(a.function.name) == nullptr && is_known_function(a.function.name)) continue;
        if (a.domain.starts_with(k_default_key_prefix)) {
            // A domain's DEFAULT: kept for the columns made of the domain later (Collector::column),
            // attached now to the tables whose columns are of it (ALTER DOMAIN ... SET DEFAULT: a
            // column with a default of its own keeps it, so this may be more than runs, never less),
            // and a use of the function (a later CREATE OR REPLACE changes it).
            std::string name = (a.function.schema.empty() ? "" : a.function.schema + ".") + a.function.name;
            catalog.add_domain_functions(a.domain, {name});
            catalog.add_object_use(model::k_domains_with_default_key, a.domain.substr(k_default_key_prefix.size()));
            if (pg::is<AlterDomainStmt>(stmt)) {
                const std::string domain = a.domain.substr(k_default_key_prefix.size());
                for (const std::string& table : catalog.tables_using_type(domain)) {
                    if (const RelationInfo* rel = std::as_const(catalog).find(table)) {
                        AttachedFunction f = a.function;
                        f.via = "DEFAULT of domain " + domain + " on the columns of " + rel->display + " of it";
                        attacher.add(table, f);
                    }
                }
            }
            catalog.add_object_use(a.function.name, a.function.via);
            continue;
        }
        if (!a.domain.empty()) {
            std::string name = (a.function.schema.empty() ? "" : a.function.schema + ".") + a.function.name;
            catalog.add_domain_functions(a.domain, {name});
            if (!pg::is<AlterDomainStmt>(stmt)) continue;
            // The columns of the domain, and of the domains over it, which have its CHECKs too.
            for (const std::string& over : catalog.domains_over(a.domain)) {
                for (const std::string& table : catalog.tables_using_type(over)) {
                    if (const RelationInfo* rel = std::as_const(catalog).find(table)) {
                        AttachedFunction f = a.function;
                        f.via += " on " + rel->display;
                        attacher.add(table, f);
                    }
                }
            }
            continue;
        }
        if (!a.relname.empty()) {
            attacher.add(a.relname, a.function);
        } else {
            // An operator, a cast, a policy, a domain's DEFAULT: it runs the function wherever it
            // is used, so a later CREATE OR REPLACE of the function changes it (function_uses.hpp).
            catalog.add_object_use(a.function.name, a.function.via);
        }
    }
}

std::vector<std::string> standing_uses(const Catalog& catalog, const std::string& name, const std::string& schema) {
    using Event = AttachedFunction::Event;
    std::vector<std::string> out;
    for (const auto& [relname, rel] : catalog.relations()) {
        for (const AttachedFunction& f : rel->attached) {
            if (f.name != name || (!schema.empty() && !f.schema.empty() && f.schema != schema)) continue;
            std::vector<std::string> events;
            if (f.events & Event::Insert) events.push_back("INSERT into");
            if (f.events & Event::Update) events.push_back("UPDATE of");
            if (f.events & Event::Delete) events.push_back("DELETE from");
            if (f.events & Event::Truncate) events.push_back("TRUNCATE of");
            if (f.events & Event::Read) events.push_back("read of");
            if (f.events & Event::Refresh) events.push_back("REFRESH of");
            if (f.events & Event::Rewrite) events.push_back("rewrite of");
            std::string what;
            for (std::size_t i = 0; i < events.size(); ++i) what += (i == 0 ? "" : i + 1 == events.size() ? " or " : ", ") + events[i];
            out.push_back(f.via + ", which runs it on every " + (what.empty() ? "use of" : what) + " " + rel->display +
                          " by the application from the moment this commits");
            if (out.size() >= k_max_attached) return out;
        }
    }
    return out;
}

std::vector<std::string> guarding_uses(const Catalog& catalog, const std::string& name, const std::string& schema) {
    std::vector<std::string> out;
    for (const auto& [relname, rel] : catalog.relations()) {
        if (rel->is_new) continue;  // made by this migration: no row or reader relies on it yet
        for (const AttachedFunction& f : rel->attached) {
            if (f.name != name || (!schema.empty() && !f.schema.empty() && f.schema != schema)) continue;
            // A view's or a materialized view's (at its next REFRESH) use too: the application's
            // reads of the view return other rows, or fail, from the moment it commits (red team
            // I_FNVIEW: is_active() made `SELECT false`, active_users 3 rows -> 0). A rule's entry
            // is its actions' own function (rule_actions.hpp), which no CREATE FUNCTION replaces.
            out.push_back(f.before_row ? "BEFORE ROW " + f.via : f.via);
            if (out.size() >= k_max_attached) return out;
        }
    }
    if (const auto* uses = catalog.object_uses(name)) {
        for (const std::string& via : *uses) {
            if (via.starts_with("policy ") || via.starts_with("DEFAULT of domain ")) out.push_back(via.substr(0, via.find(", which runs it")));
            if (out.size() >= k_max_attached) return out;
        }
    }
    return out;
}

Fired fired_by(const pg::Node* stmt, const StatementFacts& facts, const Catalog& catalog) {
    Fired out;
    std::set<std::string> seen;
    // An UPDATE's SET columns: a trigger's UPDATE OF list must name one of them.
    std::set<std::string> set_columns;
    if (const auto* update = pg::as<UpdateStmt>(stmt)) {
        for (const ResTarget* target : pg::each<ResTarget>(update->targetList)) {
            if (target->name != nullptr) set_columns.insert(target->name);
        }
    }
    auto fires_on = [&](const AttachedFunction& f, unsigned events) {
        if (f.disabled || (f.events & events) == 0) return false;
        if (set_columns.empty() || f.update_columns.empty() || (f.events & events) != Event::Update) return true;
        for (const std::string& column : f.update_columns) {
            if (set_columns.count(column) > 0) return true;
        }
        return false;
    };
    // The functions attached to `relname`, or nothing: none, or more than are followed (then the
    // relation is named once in out.overflowed).
    auto attached_to = [&](const std::string& relname) -> const RelationInfo* {
        const RelationInfo* rel = std::as_const(catalog).find(relname);
        if (rel == nullptr || rel->attached.empty()) return nullptr;
        if (rel->attached.size() > k_max_attached) {
            if (seen.insert("!" + relname).second) out.overflowed.push_back(rel->display);
            return nullptr;
        }
        return rel;
    };
    auto fire = [&](const std::string& relname, unsigned events) {
        const RelationInfo* rel = attached_to(relname);
        if (rel == nullptr) return;
        for (const AttachedFunction& f : rel->attached) {
            if (fires_on(f, events)) out.functions.push_back(f);
        }
    };
    auto write = [&](const RangeVar* rv, unsigned events) {
        if (rv == nullptr) return;
        std::string relname(pg::relname(rv));
        out.written.push_back(relname);
        fire(relname, events);
    };
    // An index's expressions and predicate (`index`: one index, or every index of the table), as
    // REINDEX, CLUSTER, VACUUM FULL (which rebuild the indexes) and ANALYZE (which samples the
    // expression indexes' values) evaluate them over the rows: seen on PostgreSQL 15.20 to run an
    // index expression's domain CHECK function each time.
    auto rebuild = [&](const std::string& relname, const std::string& index, bool analyze) {
        const RelationInfo* rel = attached_to(relname);
        if (rel == nullptr) return;
        for (const AttachedFunction& f : rel->attached) {
            if (f.disabled || f.index.empty() || (!index.empty() && f.index != index)) continue;
            if (analyze || !f.index.starts_with(statistics_key(""))) out.functions.push_back(f);
        }
    };
    const pg::Node* query = nullptr;  // what it reads: the views it names fire
    switch (stmt->type) {
        case T_VacuumStmt: {
            const auto* s = pg::as<VacuumStmt>(stmt);
            bool analyze = !s->is_vacuumcmd;  // ANALYZE, VACUUM (ANALYZE); VACUUM FULL rebuilds the indexes
            bool full = false;
            for (const DefElem* d : pg::each<DefElem>(s->options)) {
                const std::string_view option = pg::text(d->defname);
                full = full || option == "full";
                analyze = analyze || option == "analyze";
            }
            if (!analyze && !full) break;
            for (const VacuumRelation* vr : pg::each<VacuumRelation>(s->rels)) {
                if (vr->relation != nullptr) rebuild(std::string(pg::relname(vr->relation)), "", analyze);
            }
            break;
        }
        case T_ClusterStmt:
            if (const RangeVar* rv = pg::as<ClusterStmt>(stmt)->relation) rebuild(std::string(pg::relname(rv)), "", false);
            break;
        case T_ReindexStmt: {
            const auto* s = pg::as<ReindexStmt>(stmt);
            if (s->relation == nullptr) break;
            const std::string relname(pg::relname(s->relation));
            if (s->kind == REINDEX_OBJECT_TABLE) rebuild(relname, "", false);
            if (const RelationInfo* index = std::as_const(catalog).find(relname); s->kind == REINDEX_OBJECT_INDEX && index != nullptr) {
                rebuild(index->index_table, relname, false);
            }
            break;
        }
        case T_InsertStmt: {
            const auto* s = pg::as<InsertStmt>(stmt);
            bool upsert = s->onConflictClause != nullptr && s->onConflictClause->action == ONCONFLICT_UPDATE;
            write(s->relation, Event::Insert | (upsert ? Event::Update : 0u));
            query = stmt;
            break;
        }
        case T_UpdateStmt:
            write(pg::as<UpdateStmt>(stmt)->relation, Event::Update);
            query = stmt;
            break;
        case T_DeleteStmt:
            write(pg::as<DeleteStmt>(stmt)->relation, Event::Delete);
            query = stmt;
            break;
        case T_MergeStmt:
            write(pg::as<MergeStmt>(stmt)->relation, Event::Insert | Event::Update | Event::Delete);
            query = stmt;
            break;
        case T_CopyStmt: {
            const auto* s = pg::as<CopyStmt>(stmt);
            if (s->is_from) write(s->relation, Event::Insert);
            query = stmt;
            break;
        }
        case T_TruncateStmt:
            for (const RangeVar* rv : pg::each<RangeVar>(pg::as<TruncateStmt>(stmt)->relations)) write(rv, Event::Truncate);
            break;
        case T_RefreshMatViewStmt:
            if (const RangeVar* rv = pg::as<RefreshMatViewStmt>(stmt)->relation) fire(std::string(pg::relname(rv)), Event::Refresh);
            break;
        case T_AlterTableStmt: {
            const auto* alter = pg::as<AlterTableStmt>(stmt);
            std::string relname(pg::relname(alter->relation));
            if (!facts.rewrites.empty()) fire(relname, Event::Rewrite);
            // VALIDATE CONSTRAINT checks every row with the CHECK's functions.
            const RelationInfo* rel = std::as_const(catalog).find(relname);
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                if (rel == nullptr || cmd->subtype != AT_ValidateConstraint || cmd->name == nullptr) continue;
                for (const AttachedFunction& f : rel->attached) {
                    if (f.constraint == cmd->name) out.functions.push_back(f);
                }
            }
            break;
        }
        case T_SelectStmt:
        case T_DeclareCursorStmt:
            query = stmt;
            break;
        case T_CreateTableAsStmt:
            if (const auto* s = pg::as<CreateTableAsStmt>(stmt); s->into == nullptr || !s->into->skipData) query = s->query;
            break;
        default:
            break;
    }
    if (query != nullptr) {
        for (const std::string& relname : relations_in(query)) {
            const RelationInfo* rel = std::as_const(catalog).find(relname);
            // A table's reads run only its policies' set_config() (policy_settings).
            if (rel != nullptr && (rel->kind == "view" || !rel->policies.empty())) fire(relname, Event::Read);
        }
    }
    return out;
}

}  // namespace pgfence::analyze
