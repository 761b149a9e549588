#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Syntax PostgreSQL's grammar gained in 16, 17 and 18 (from each release's notes, "Migration" and
// "Utility Commands"/"Queries" sections). The parser is PostgreSQL 18's, so a migration written
// for a newer server parses here; the target server refuses it with a syntax error.
enum class Syntax {
    SubqueryWithoutAlias,   // 16: "Allow subqueries in the FROM clause to omit aliases"
    JsonConstructor,        // 16: JSON_ARRAY(), JSON_ARRAYAGG(), JSON_OBJECT(), JSON_OBJECTAGG()
    IsJson,                 // 16: IS JSON predicates
    ColumnStorage,          // 16: "Allow the STORAGE type to be specified by CREATE TABLE"
    JsonQueryFunction,      // 17: JSON_EXISTS(), JSON_QUERY(), JSON_VALUE()
    JsonTable,              // 17: JSON_TABLE()
    JsonValueFunction,      // 17: JSON(), JSON_SCALAR(), JSON_SERIALIZE()
    MergeReturning,         // 17: "Allow MERGE to use a RETURNING clause"
    MergeBySource,          // 17: "Add WHEN NOT MATCHED BY SOURCE to MERGE"
    SetExpression,          // 17: "Allow ALTER TABLE to change a column's generation expression"
    SetAccessMethodDefault, // 17: "Allow ALTER TABLE ... SET ACCESS METHOD DEFAULT"
    VirtualGenerated,       // 18: virtual generated columns, the default kind
    NotNullConstraint,      // 18: NOT NULL as a named table constraint (ADD CONSTRAINT c NOT NULL col)
    NotNullNotValid,        // 18: "Allow NOT NULL constraints to be added as NOT VALID"
    NotEnforced,            // 18: "Allow CHECK and foreign key constraints to be specified as NOT ENFORCED"
    AlterEnforceability,    // 18: ALTER CONSTRAINT ... [NOT] ENFORCED
    AlterInheritability,    // 18: "Allow modification of the inheritability of NOT NULL constraints"
    WithoutOverlaps,        // 18: temporal PRIMARY KEY/UNIQUE (WITHOUT OVERLAPS)
    ForeignKeyPeriod,       // 18: temporal foreign keys (PERIOD)
    ReturningOldNew,        // 18: "Add OLD/NEW support to RETURNING in DML queries"
};

// pg_attribute.attgenerated of a virtual column (ATTRIBUTE_GENERATED_VIRTUAL, catalog/pg_attribute.h).
constexpr char k_generated_virtual = 'v';

struct Construct {
    std::string_view what;
    int since;
};

// Indexed by Syntax.
constexpr Construct k_constructs[] = {
    {"a subquery in FROM without an alias", 16},
    {"JSON_ARRAY()/JSON_OBJECT() constructors", 16},
    {"IS JSON", 16},
    {"STORAGE in a column definition", 16},
    {"JSON_EXISTS()/JSON_QUERY()/JSON_VALUE()", 17},
    {"JSON_TABLE()", 17},
    {"JSON()/JSON_SCALAR()/JSON_SERIALIZE()", 17},
    {"MERGE ... RETURNING", 17},
    {"MERGE ... WHEN NOT MATCHED BY SOURCE", 17},
    {"ALTER COLUMN ... SET EXPRESSION", 17},
    {"SET ACCESS METHOD DEFAULT", 17},
    {"a virtual generated column (GENERATED ALWAYS AS (...) VIRTUAL, or without STORED)", 18},
    {"NOT NULL as a table constraint (ADD CONSTRAINT ... NOT NULL column)", 18},
    {"NOT NULL ... NOT VALID", 18},
    {"NOT ENFORCED / ENFORCED constraints", 18},
    {"ALTER CONSTRAINT ... [NOT] ENFORCED", 18},
    {"ALTER CONSTRAINT ... [NO] INHERIT", 18},
    {"WITHOUT OVERLAPS", 18},
    {"PERIOD in a foreign key", 18},
    {"RETURNING OLD/NEW", 18},
};

// Walks the statement through the places these constructs appear: statements, query clauses and
// the expressions that may hold a sub-query. Recursion is bounded by the parse tree's depth,
// which PostgreSQL's parser already limited.
class Finder {
public:
    std::set<Syntax> found;

    void node(const pg::Node* n) {
        if (n == nullptr) return;
        switch (n->type) {
        case T_List:
            for (const pg::Node* item : pg::each(reinterpret_cast<const pg::List*>(n))) node(item);
            break;
        case T_RawStmt: node(reinterpret_cast<const RawStmt*>(n)->stmt); break;
        case T_SelectStmt: select(reinterpret_cast<const SelectStmt*>(n)); break;
        case T_InsertStmt: {
            const auto* s = reinterpret_cast<const InsertStmt*>(n);
            with(s->withClause);
            node(s->selectStmt);
            node(s->onConflictClause ? reinterpret_cast<const pg::Node*>(s->onConflictClause->targetList) : nullptr);
            returning(s->returningClause);
            break;
        }
        case T_UpdateStmt: {
            const auto* s = reinterpret_cast<const UpdateStmt*>(n);
            with(s->withClause);
            list(s->targetList);
            list(s->fromClause);
            node(s->whereClause);
            returning(s->returningClause);
            break;
        }
        case T_DeleteStmt: {
            const auto* s = reinterpret_cast<const DeleteStmt*>(n);
            with(s->withClause);
            list(s->usingClause);
            node(s->whereClause);
            returning(s->returningClause);
            break;
        }
        case T_MergeStmt: merge(reinterpret_cast<const MergeStmt*>(n)); break;
        case T_CreateTableAsStmt: node(reinterpret_cast<const CreateTableAsStmt*>(n)->query); break;
        case T_ViewStmt: node(reinterpret_cast<const ViewStmt*>(n)->query); break;
        case T_ExplainStmt: node(reinterpret_cast<const ExplainStmt*>(n)->query); break;
        case T_CopyStmt: node(reinterpret_cast<const CopyStmt*>(n)->query); break;
        case T_DeclareCursorStmt: node(reinterpret_cast<const DeclareCursorStmt*>(n)->query); break;
        case T_PrepareStmt: node(reinterpret_cast<const PrepareStmt*>(n)->query); break;
        case T_RuleStmt: list(reinterpret_cast<const RuleStmt*>(n)->actions); break;
        case T_CreateStmt: {
            const auto* s = reinterpret_cast<const CreateStmt*>(n);
            for (const pg::Node* e : pg::each(s->tableElts)) table_element(e, /*in_create=*/true);
            list(s->constraints);
            break;
        }
        case T_AlterTableStmt:
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(reinterpret_cast<const AlterTableStmt*>(n)->cmds)) {
                alter(cmd);
            }
            break;
        case T_Constraint: constraint(reinterpret_cast<const Constraint*>(n), /*table_level=*/true); break;
        case T_RangeSubselect: {
            const auto* s = reinterpret_cast<const RangeSubselect*>(n);
            if (s->alias == nullptr) found.insert(Syntax::SubqueryWithoutAlias);
            node(s->subquery);
            break;
        }
        case T_JoinExpr: {
            const auto* j = reinterpret_cast<const JoinExpr*>(n);
            node(j->larg);
            node(j->rarg);
            node(j->quals);
            break;
        }
        case T_RangeFunction: list(reinterpret_cast<const RangeFunction*>(n)->functions); break;
        case T_CommonTableExpr: node(reinterpret_cast<const CommonTableExpr*>(n)->ctequery); break;
        case T_SubLink: {
            const auto* s = reinterpret_cast<const SubLink*>(n);
            node(s->testexpr);
            node(s->subselect);
            break;
        }
        case T_ResTarget: node(reinterpret_cast<const ResTarget*>(n)->val); break;
        case T_A_Expr: {
            const auto* e = reinterpret_cast<const A_Expr*>(n);
            node(e->lexpr);
            node(e->rexpr);
            break;
        }
        case T_BoolExpr: list(reinterpret_cast<const BoolExpr*>(n)->args); break;
        case T_FuncCall: {
            const auto* f = reinterpret_cast<const FuncCall*>(n);
            list(f->args);
            node(f->agg_filter);
            break;
        }
        case T_TypeCast: node(reinterpret_cast<const TypeCast*>(n)->arg); break;
        case T_NullTest: node(reinterpret_cast<const pg::Node*>(reinterpret_cast<const NullTest*>(n)->arg)); break;
        case T_BooleanTest: node(reinterpret_cast<const pg::Node*>(reinterpret_cast<const BooleanTest*>(n)->arg)); break;
        case T_CaseExpr: {
            const auto* c = reinterpret_cast<const CaseExpr*>(n);
            node(reinterpret_cast<const pg::Node*>(c->arg));
            list(c->args);
            node(reinterpret_cast<const pg::Node*>(c->defresult));
            break;
        }
        case T_CaseWhen: {
            const auto* c = reinterpret_cast<const CaseWhen*>(n);
            node(reinterpret_cast<const pg::Node*>(c->expr));
            node(reinterpret_cast<const pg::Node*>(c->result));
            break;
        }
        case T_CoalesceExpr: list(reinterpret_cast<const CoalesceExpr*>(n)->args); break;
        case T_MinMaxExpr: list(reinterpret_cast<const MinMaxExpr*>(n)->args); break;
        case T_RowExpr: list(reinterpret_cast<const RowExpr*>(n)->args); break;
        case T_A_ArrayExpr: list(reinterpret_cast<const A_ArrayExpr*>(n)->elements); break;
        case T_A_Indirection: node(reinterpret_cast<const A_Indirection*>(n)->arg); break;
        case T_CollateClause: node(reinterpret_cast<const CollateClause*>(n)->arg); break;
        case T_NamedArgExpr: node(reinterpret_cast<const pg::Node*>(reinterpret_cast<const NamedArgExpr*>(n)->arg)); break;
        case T_JsonArrayConstructor:
        case T_JsonArrayQueryConstructor:
        case T_JsonObjectConstructor:
        case T_JsonArrayAgg:
        case T_JsonObjectAgg: found.insert(Syntax::JsonConstructor); break;
        case T_JsonIsPredicate: found.insert(Syntax::IsJson); break;
        case T_JsonFuncExpr: found.insert(Syntax::JsonQueryFunction); break;
        case T_JsonTable: found.insert(Syntax::JsonTable); break;
        case T_JsonParseExpr:
        case T_JsonScalarExpr:
        case T_JsonSerializeExpr: found.insert(Syntax::JsonValueFunction); break;
        default: break;
        }
    }

private:
    void list(const pg::List* l) { node(reinterpret_cast<const pg::Node*>(l)); }
    void with(const WithClause* w) {
        if (w != nullptr) list(w->ctes);
    }
    void returning(const ReturningClause* r) {
        if (r == nullptr) return;
        if (pg::length(r->options) > 0) found.insert(Syntax::ReturningOldNew);
        list(r->exprs);
    }

    void select(const SelectStmt* s) {
        with(s->withClause);
        list(s->targetList);
        list(s->fromClause);
        node(s->whereClause);
        node(s->havingClause);
        list(s->valuesLists);
        if (s->larg != nullptr) select(s->larg);
        if (s->rarg != nullptr) select(s->rarg);
    }

    void merge(const MergeStmt* s) {
        with(s->withClause);
        node(s->sourceRelation);
        node(s->joinCondition);
        for (const MergeWhenClause* w : pg::each<MergeWhenClause>(s->mergeWhenClauses)) {
            if (w->matchKind == MERGE_WHEN_NOT_MATCHED_BY_SOURCE) found.insert(Syntax::MergeBySource);
            node(w->condition);
            list(w->targetList);
            list(w->values);
        }
        if (s->returningClause != nullptr) found.insert(Syntax::MergeReturning);
        returning(s->returningClause);
    }

    void table_element(const pg::Node* e, bool in_create) {
        if (const ColumnDef* column = pg::as<ColumnDef>(e)) {
            if (column->storage_name != nullptr) found.insert(Syntax::ColumnStorage);
            for (const Constraint* c : pg::each<Constraint>(column->constraints)) constraint(c, false);
            return;
        }
        if (const Constraint* c = pg::as<Constraint>(e)) constraint(c, in_create);
    }

    void constraint(const Constraint* c, bool table_level) {
        if (c->contype == CONSTR_GENERATED && c->generated_kind == k_generated_virtual) {
            found.insert(Syntax::VirtualGenerated);
        }
        // A column's NOT NULL is old syntax; as a table constraint it is new in 18.
        if (c->contype == CONSTR_NOTNULL && table_level) {
            found.insert(c->skip_validation ? Syntax::NotNullNotValid : Syntax::NotNullConstraint);
        }
        if (c->contype == CONSTR_ATTR_ENFORCED || c->contype == CONSTR_ATTR_NOT_ENFORCED ||
            ((c->contype == CONSTR_CHECK || c->contype == CONSTR_FOREIGN) && !c->is_enforced)) {
            found.insert(Syntax::NotEnforced);
        }
        if (c->without_overlaps) found.insert(Syntax::WithoutOverlaps);
        if (c->fk_with_period || c->pk_with_period) found.insert(Syntax::ForeignKeyPeriod);
        node(c->raw_expr);
    }

    void alter(const AlterTableCmd* cmd) {
        switch (cmd->subtype) {
        case AT_AddColumn: table_element(cmd->def, false); break;
        case AT_AddConstraint: table_element(cmd->def, true); break;
        case AT_SetExpression: found.insert(Syntax::SetExpression); break;
        case AT_SetAccessMethod:
            if (cmd->name == nullptr) found.insert(Syntax::SetAccessMethodDefault);
            break;
        case AT_AlterConstraint:
            if (const ATAlterConstraint* a = pg::as<ATAlterConstraint>(cmd->def)) {
                if (a->alterEnforceability) found.insert(Syntax::AlterEnforceability);
                if (a->alterInheritability) found.insert(Syntax::AlterInheritability);
            }
            break;
        default: break;
        }
    }
};

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.stmt == nullptr) return;
    Finder finder;
    finder.node(ctx.stmt);
    for (Syntax s : finder.found) {
        const Construct& c = k_constructs[static_cast<int>(s)];
        if (ctx.options.pg_version >= c.since) continue;
        Finding& f = sink.add(ctx.statement, "PostgreSQL " + std::to_string(ctx.options.pg_version) +
                                                 " rejects this syntax: " + std::string(c.what) +
                                                 " needs PostgreSQL " + std::to_string(c.since));
        f.fix = "rewrite it in syntax PostgreSQL " + std::to_string(ctx.options.pg_version) +
                " accepts, or set --pg-version to the server's version if it is " + std::to_string(c.since) +
                " or later";
    }
}

}  // namespace

PGFENCE_RULE(syntax_newer_than_target) {
    return Rule{"syntax-newer-than-target", Risk::High,
                "Syntax the target PostgreSQL version does not have: the migration fails with a syntax error", check,
                nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
