#include "analyze/model/query_column_types.hpp"

#include <map>
#include <utility>

#include "analyze/model/domain_defaults.hpp"
#include "analyze/model/stored_builtins.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

// How PostgreSQL 15 types a column made from a query (parse_coerce.c select_common_type: "If all
// input types are valid and exactly the same, just pick that type. This is the only way that we
// will resolve the result as being a domain type"), seen with CREATE TABLE AS ... WITH NO DATA and
// SELECT INTO from a column n of domain stamp_t: the column is of stamp_t for n, (n), a column of
// a view, of a subquery, of a CTE, of a join, a LATERAL subquery, a scalar subquery, f() and
// FROM f() where f RETURNS [SETOF] stamp_t or TABLE(k stamp_t), a UNION [ALL] of n and n,
// COALESCE(n, n), GREATEST(n, n), (ARRAY[n])[1]; it is of the base type for CASE WHEN .. THEN n
// END (its ELSE NULL is of no type yet), COALESCE(n, 1), NULLIF(n, n), n + 0, max(n), and a UNION
// of n with 2 or NULL. A column pgfence cannot type this way is not known (nullopt); where a
// domain's DEFAULT does something, the statement is then unknown (function_calls_attached.cpp).
using Type = std::optional<std::string>;
using Columns = std::optional<std::vector<QueryColumn>>;  // nullopt: not even the columns are known

struct Source {
    std::string alias;
    Columns columns;
};
using Scope = std::vector<Source>;

// A hostile file stays linear: past these, what is left is not known.
constexpr int k_max_depth = 16;
constexpr std::size_t k_max_steps = 20000;

std::string last_field(const List* fields) {
    const pg::Node* last = pg::length(fields) > 0 ? pg::nth(fields, pg::length(fields) - 1) : nullptr;
    const String* s = pg::as<String>(last);
    return s != nullptr ? std::string(pg::text(s->sval)) : std::string();
}

std::string type_of(const TypeName* t) {
    if (t == nullptr || pg::length(t->names) == 0) return {};
    return std::string(pg::last_name(t->names)) + (pg::length(t->arrayBounds) > 0 ? "[]" : "");
}

void rename(Columns& columns, const List* names) {
    if (!columns) return;
    for (int i = 0; i < pg::length(names) && i < static_cast<int>(columns->size()); ++i) {
        if (const String* s = pg::as<String>(pg::nth(names, i))) (*columns)[i].name = pg::text(s->sval);
    }
}

class Resolver {
public:
    explicit Resolver(const Catalog& catalog) : m_catalog(catalog) {}

    Columns columns(const pg::Node* query, const Scope& ctes, int depth) {
        const SelectStmt* s = pg::as<SelectStmt>(query);
        if (s == nullptr || depth > k_max_depth || !spend()) return std::nullopt;
        Scope with = ctes;
        if (s->withClause != nullptr) {
            for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(s->withClause->ctes)) {
                Columns c = columns(cte->ctequery, with, depth + 1);
                rename(c, cte->aliascolnames);
                with.push_back(Source{cte->ctename != nullptr ? cte->ctename : "", std::move(c)});
            }
        }
        if (s->op != SETOP_NONE) {
            Columns l = columns(reinterpret_cast<const pg::Node*>(s->larg), with, depth + 1);
            Columns r = columns(reinterpret_cast<const pg::Node*>(s->rarg), with, depth + 1);
            if (!l || !r || l->size() != r->size()) return std::nullopt;
            for (std::size_t i = 0; i < l->size(); ++i) (*l)[i].type = common((*l)[i].type, (*r)[i].type);
            return l;
        }
        Scope scope;
        if (pg::length(s->valuesLists) > 0) {
            std::vector<QueryColumn> out;
            for (const List* row : pg::each<List>(s->valuesLists)) {
                int i = 0;
                for (const pg::Node* v : pg::each(row)) {
                    Type t = expr(v, scope, with, depth);
                    if (i >= static_cast<int>(out.size())) out.push_back(QueryColumn{"column" + std::to_string(i + 1), t});
                    else out[i].type = common(out[i].type, t);
                    ++i;
                }
            }
            return out;
        }
        for (const pg::Node* item : pg::each(s->fromClause)) add_sources(item, scope, with, depth);
        std::vector<QueryColumn> out;
        for (const ResTarget* res : pg::each<ResTarget>(s->targetList)) {
            const ColumnRef* ref = pg::as<ColumnRef>(res->val);
            if (ref != nullptr && pg::length(ref->fields) > 0 && pg::is<A_Star>(pg::nth(ref->fields, pg::length(ref->fields) - 1))) {
                const std::string qualifier = pg::length(ref->fields) > 1 ? std::string(pg::text(pg::as<String>(pg::nth(ref->fields, pg::length(ref->fields) - 2))->sval)) : "";
                for (const Source& source : scope) {
                    if (!qualifier.empty() && source.alias != qualifier) continue;
                    if (!source.columns) return std::nullopt;
                    out.insert(out.end(), source.columns->begin(), source.columns->end());
                }
                continue;
            }
            out.push_back(QueryColumn{res->name != nullptr ? res->name : name_of(res->val, scope, with, depth), expr(res->val, scope, with, depth)});
        }
        return out;
    }

private:
    bool spend() { return ++m_steps <= k_max_steps; }
    [[nodiscard]] bool plain(const Type& t) const { return t.has_value() && !m_catalog.is_domain(*t); }
    // Two inputs of one output column: the domain survives only where both are exactly it.
    [[nodiscard]] Type common(const Type& a, const Type& b) const {
        if (!a || !b) return std::nullopt;
        return *a == *b ? a : Type{""};
    }

    // PostgreSQL's FigureColname, for the shapes this file types.
    std::string name_of(const pg::Node* n, const Scope& scope, const Scope& ctes, int depth) {
        if (const ColumnRef* ref = pg::as<ColumnRef>(n)) return last_field(ref->fields);
        if (const FuncCall* call = pg::as<FuncCall>(n)) return std::string(pg::last_name(call->funcname));
        if (const TypeCast* cast = pg::as<TypeCast>(n)) {
            std::string inner = name_of(cast->arg, scope, ctes, depth);
            return inner != "?column?" ? inner : type_of(cast->typeName);
        }
        if (pg::is<CoalesceExpr>(n)) return "coalesce";
        if (const SubLink* sub = pg::as<SubLink>(n); sub != nullptr && sub->subLinkType == EXPR_SUBLINK) {
            Columns c = columns(sub->subselect, ctes, depth + 1);
            if (c && !c->empty()) return c->front().name;
        }
        return "?column?";
    }

    void add_sources(const pg::Node* item, Scope& scope, const Scope& ctes, int depth) {
        if (const RangeVar* rv = pg::as<RangeVar>(item)) {
            const std::string relname(pg::relname(rv));
            Source source{rv->alias != nullptr ? rv->alias->aliasname : relname, std::nullopt};
            bool cte = false;
            if (rv->schemaname == nullptr) {
                for (auto it = ctes.rbegin(); it != ctes.rend(); ++it) {
                    if (it->alias == relname) {
                        source.columns = it->columns;
                        cte = true;
                        break;
                    }
                }
            }
            if (!cte) source.columns = relation(relname, depth);
            if (rv->alias != nullptr) rename(source.columns, rv->alias->colnames);
            scope.push_back(std::move(source));
        } else if (const RangeSubselect* sub = pg::as<RangeSubselect>(item)) {
            Source source{sub->alias != nullptr ? sub->alias->aliasname : "", columns(sub->subquery, ctes, depth + 1)};
            if (sub->alias != nullptr) rename(source.columns, sub->alias->colnames);
            scope.push_back(std::move(source));
        } else if (const JoinExpr* join = pg::as<JoinExpr>(item); join != nullptr && join->alias == nullptr) {
            add_sources(join->larg, scope, ctes, depth);
            add_sources(join->rarg, scope, ctes, depth);
        } else if (const RangeFunction* rf = pg::as<RangeFunction>(item)) {
            // One function of one result column (not TABLE, OUT or record): named by the alias.
            const List* pair = pg::length(rf->functions) == 1 ? pg::as<List>(pg::nth(rf->functions, 0)) : nullptr;
            const FuncCall* call = pair != nullptr ? pg::as<FuncCall>(pg::nth(pair, 0)) : nullptr;
            Source source{rf->alias != nullptr ? rf->alias->aliasname : call != nullptr ? std::string(pg::last_name(call->funcname)) : "", std::nullopt};
            if (call != nullptr && pg::length(pair) > 1 && pg::nth(pair, 1) == nullptr && !rf->ordinality) {
                Type t = expr(reinterpret_cast<const pg::Node*>(call), scope, ctes, depth);
                if (t) source.columns = std::vector<QueryColumn>{QueryColumn{source.alias, t}};
            }
            if (rf->alias != nullptr) rename(source.columns, rf->alias->colnames);
            scope.push_back(std::move(source));
        } else {
            scope.push_back(Source{"", std::nullopt});
        }
    }

    // A table's columns as the catalog holds them, or a view's as its query gives them.
    Columns relation(const std::string& relname, int depth) {
        if (auto it = m_relations.find(relname); it != m_relations.end()) return it->second;
        Columns out;
        const RelationInfo* rel = m_catalog.find(relname);
        if (rel != nullptr && rel->kind == "view") {
            if (const std::string* sql = m_catalog.view_query(relname)) {
                const ParsedStatement parsed = parse_statement(*sql);
                if (const ViewStmt* view = parsed.failure ? nullptr : pg::as<ViewStmt>(parsed.stmt)) {
                    out = columns(view->query, {}, depth + 1);
                    rename(out, view->aliases);
                }
            }
        } else if (rel != nullptr && !rel->columns.empty()) {
            out.emplace();
            for (const ColumnInfo& c : rel->columns) {
                std::string type = type_base(c.type);
                if (const auto dot = type.rfind('.'); dot != std::string::npos) type.erase(0, dot + 1);
                out->push_back(QueryColumn{c.name, c.type.find('[') != std::string::npos ? type + "[]" : type});
            }
        }
        m_relations.emplace(relname, out);
        return out;
    }

    // What a function the migrations created RETURNS, when every one of that name agrees on one
    // type of one column; nullopt for TABLE, OUT parameters and record.
    Type returns(const std::vector<std::shared_ptr<const FunctionInfo>>& functions, const std::string& name) {
        if (auto it = m_returns.find(name); it != m_returns.end()) return it->second;
        Type out;
        bool first = true;
        for (const auto& f : functions) {
            const ParsedStatement parsed = parse_statement(f->definition);
            const CreateFunctionStmt* create = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
            Type t;
            if (create != nullptr && create->returnType != nullptr) {
                bool columns = false;
                for (const FunctionParameter* p : pg::each<FunctionParameter>(create->parameters)) {
                    columns = columns || p->mode == FUNC_PARAM_OUT || p->mode == FUNC_PARAM_INOUT || p->mode == FUNC_PARAM_TABLE;
                }
                const std::string type = type_of(create->returnType);
                if (!columns && type != "record") t = type;
            }
            out = first || out == t ? t : std::nullopt;
            first = false;
            if (!out) break;
        }
        m_returns.emplace(name, out);
        return out;
    }

    Type column(const ColumnRef* ref, const Scope& scope) {
        const int n = pg::length(ref->fields);
        if (n == 0 || !pg::is<String>(pg::nth(ref->fields, n - 1))) return std::nullopt;
        const std::string name = last_field(ref->fields);
        const std::string qualifier = n > 1 && pg::is<String>(pg::nth(ref->fields, n - 2)) ? std::string(pg::text(pg::as<String>(pg::nth(ref->fields, n - 2))->sval)) : "";
        std::optional<Type> found;
        for (const Source& source : scope) {
            if (!qualifier.empty() && source.alias != qualifier) continue;
            if (!source.columns) return std::nullopt;
            for (const QueryColumn& c : *source.columns) {
                if (c.name != name) continue;
                // A join's USING column of two types is of their common one: not known here.
                if (found && *found != c.type) return std::nullopt;
                found = c.type;
            }
        }
        return found.value_or(std::nullopt);
    }

    Type expr(const pg::Node* n, const Scope& scope, const Scope& ctes, int depth) {
        if (n == nullptr) return "";
        if (depth > k_max_depth || !spend()) return std::nullopt;
        if (pg::is<A_Const>(n)) return "";
        if (const TypeCast* cast = pg::as<TypeCast>(n)) return type_of(cast->typeName);
        if (const ColumnRef* ref = pg::as<ColumnRef>(n)) return column(ref, scope);
        if (const FuncCall* call = pg::as<FuncCall>(n)) {
            const std::string name(pg::last_name(call->funcname));
            // An aggregate the migrations made returns what its final function or state type says.
            if (made(aggregate_key(name))) return std::nullopt;
            if (const auto* functions = m_catalog.functions(name); functions != nullptr && !functions->empty()) return returns(*functions, name);
            // PostgreSQL's own: of a domain only when an argument is (max(n) is not; unnest() of an array of one is).
            for (const pg::Node* arg : pg::each(call->args)) {
                if (!plain(expr(arg, scope, ctes, depth))) return std::nullopt;
            }
            return "";
        }
        if (const CoalesceExpr* c = pg::as<CoalesceExpr>(n)) return common_of(c->args, scope, ctes, depth);
        if (const MinMaxExpr* m = pg::as<MinMaxExpr>(n)) return common_of(m->args, scope, ctes, depth);
        if (const SubLink* sub = pg::as<SubLink>(n)) {
            if (sub->subLinkType == ARRAY_SUBLINK) return "[]";
            if (sub->subLinkType != EXPR_SUBLINK) return "";
            Columns c = columns(sub->subselect, ctes, depth + 1);
            return c && c->size() == 1 ? c->front().type : std::nullopt;
        }
        // An operator the migrations made returns what its function does, a domain perhaps.
        if (const A_Expr* op = pg::as<A_Expr>(n); op != nullptr && op->name != nullptr && made(operator_function_key(pg::last_name(op->name)))) {
            return std::nullopt;
        }
        // Any other expression (an operator, CASE, NULLIF, a subscript): of no domain where nothing
        // in it is of one; else not known.
        bool known = true;
        pg::each_child(n, [&](const pg::Node* child) {
            if (known && !plain(expr(child, scope, ctes, depth + 1))) known = false;
        });
        return known ? Type{""} : std::nullopt;
    }

    bool made(const std::string& key) const {
        const std::vector<std::string>* uses = m_catalog.object_uses(key);
        return uses != nullptr && !uses->empty();
    }

    Type common_of(const List* args, const Scope& scope, const Scope& ctes, int depth) {
        std::optional<Type> out;
        for (const pg::Node* arg : pg::each(args)) {
            Type t = expr(arg, scope, ctes, depth);
            out = out ? common(*out, t) : t;
        }
        return out.value_or("");
    }

    const Catalog& m_catalog;
    std::size_t m_steps = 0;
    std::map<std::string, Columns> m_relations;
    std::map<std::string, Type> m_returns;
};

}  // namespace

const IntoClause* select_into(const pg::Node* stmt) {
    const SelectStmt* s = pg::as<SelectStmt>(stmt);
    while (s != nullptr && s->op != SETOP_NONE) s = s->larg;
    return s != nullptr ? s->intoClause : nullptr;
}

std::string domain_with_default_functions(const Catalog& catalog) {
    const std::vector<std::string>* domains = catalog.object_uses(k_domains_with_default_key);
    if (domains == nullptr) return {};
    for (const std::string& d : *domains) {
        if (const auto* f = catalog.domain_functions(domain_default_key(d)); f != nullptr && !f->empty()) return d;
    }
    // Past the catalog's limit of uses a domain may not be listed: taken as one that does something.
    return domains->size() >= Catalog::k_max_object_uses ? domains->front() : std::string();
}

std::vector<QueryColumn> query_column_types(const pg::Node* query, const List* names, const Catalog& catalog) {
    Columns out = Resolver(catalog).columns(query, {}, 0);
    if (!out) return {QueryColumn{"*", std::nullopt}};
    rename(out, names);
    return *out;
}

std::optional<std::string> unknown_query_column_domain(const pg::Node* stmt, const Catalog& catalog) {
    const pg::Node* query = nullptr;
    const IntoClause* into = nullptr;
    std::string tag;
    if (const CreateTableAsStmt* as = pg::as<CreateTableAsStmt>(stmt); as != nullptr && as->objtype != OBJECT_MATVIEW) {
        query = as->query;
        into = as->into;
        tag = "CREATE TABLE AS";
    } else if (const IntoClause* clause = select_into(stmt)) {
        query = stmt;
        into = clause;
        tag = "SELECT INTO";
    }
    if (query == nullptr || into == nullptr || into->rel == nullptr) return std::nullopt;
    const std::string domain = domain_with_default_functions(catalog);
    if (domain.empty()) return std::nullopt;
    for (const QueryColumn& c : query_column_types(query, into->colNames, catalog)) {
        if (c.type) continue;
        const std::string column = c.name == "*" ? "the columns" : "column " + quote_ident(c.name);
        return tag + " " + pg::display_name(into->rel) + ": the type of " + column +
               " comes from a query pgfence does not type, so it may be of domain " + domain +
               ", whose DEFAULT calls a function on every INSERT that gives such a column no value";
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::model
