#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::pg {
namespace {

// Emits the given fields that are set, in order.
class Emit {
public:
    explicit Emit(FunctionRef<void(const Node*)> fn) : m_fn(fn) {}
    template <class... Fields>
    void operator()(const Fields*... fields) const {
        (one(reinterpret_cast<const Node*>(fields)), ...);
    }

private:
    void one(const Node* node) const {
        if (node != nullptr) m_fn(node);
    }
    FunctionRef<void(const Node*)> m_fn;
};

}  // namespace

void each_child(const Node* node, FunctionRef<void(const Node*)> fn) {
    if (node == nullptr) return;
    Emit emit(fn);
    switch (nodeTag(node)) {
        case T_List:
            for (const Node* item : each(reinterpret_cast<const List*>(node))) emit(item);
            return;
        // Statements that hold queries.
        case T_SelectStmt: {
            const auto* s = reinterpret_cast<const SelectStmt*>(node);
            emit(s->distinctClause, s->intoClause, s->targetList, s->fromClause, s->whereClause, s->groupClause,
                 s->havingClause, s->windowClause, s->valuesLists, s->sortClause, s->limitOffset, s->limitCount,
                 s->lockingClause, s->withClause, s->larg, s->rarg);
            return;
        }
        case T_InsertStmt: {
            const auto* s = reinterpret_cast<const InsertStmt*>(node);
            emit(s->cols, s->selectStmt, s->onConflictClause, s->returningClause, s->withClause);
            return;
        }
        case T_UpdateStmt: {
            const auto* s = reinterpret_cast<const UpdateStmt*>(node);
            emit(s->targetList, s->whereClause, s->fromClause, s->returningClause, s->withClause);
            return;
        }
        case T_DeleteStmt: {
            const auto* s = reinterpret_cast<const DeleteStmt*>(node);
            emit(s->usingClause, s->whereClause, s->returningClause, s->withClause);
            return;
        }
        case T_MergeStmt: {
            const auto* s = reinterpret_cast<const MergeStmt*>(node);
            emit(s->sourceRelation, s->joinCondition, s->mergeWhenClauses, s->returningClause, s->withClause);
            return;
        }
        case T_MergeWhenClause: {
            const auto* s = reinterpret_cast<const MergeWhenClause*>(node);
            emit(s->condition, s->targetList, s->values);
            return;
        }
        case T_ReturningClause:
            emit(reinterpret_cast<const ReturningClause*>(node)->exprs);
            return;
        case T_OnConflictClause: {
            const auto* s = reinterpret_cast<const OnConflictClause*>(node);
            emit(s->infer, s->targetList, s->whereClause);
            return;
        }
        case T_InferClause: {
            const auto* s = reinterpret_cast<const InferClause*>(node);
            emit(s->indexElems, s->whereClause);
            return;
        }
        case T_IndexElem:
            emit(reinterpret_cast<const IndexElem*>(node)->expr);
            return;
        case T_WithClause:
            emit(reinterpret_cast<const WithClause*>(node)->ctes);
            return;
        case T_CommonTableExpr: {
            const auto* s = reinterpret_cast<const CommonTableExpr*>(node);
            emit(s->ctequery, s->search_clause, s->cycle_clause);
            return;
        }
        case T_CTECycleClause: {
            const auto* s = reinterpret_cast<const CTECycleClause*>(node);
            emit(s->cycle_mark_value, s->cycle_mark_default);
            return;
        }
        case T_LockingClause:
            emit(reinterpret_cast<const LockingClause*>(node)->lockedRels);
            return;
        case T_IntoClause:
            return;
        case T_ReturnStmt:
            emit(reinterpret_cast<const ReturnStmt*>(node)->returnval);
            return;
        case T_PLAssignStmt: {
            const auto* s = reinterpret_cast<const PLAssignStmt*>(node);
            emit(s->indirection, s->val);
            return;
        }
        // FROM items.
        case T_JoinExpr: {
            const auto* s = reinterpret_cast<const JoinExpr*>(node);
            emit(s->larg, s->rarg, s->quals);
            return;
        }
        case T_RangeSubselect:
            emit(reinterpret_cast<const RangeSubselect*>(node)->subquery);
            return;
        case T_RangeFunction:
            emit(reinterpret_cast<const RangeFunction*>(node)->functions);
            return;
        case T_RangeTableSample: {
            const auto* s = reinterpret_cast<const RangeTableSample*>(node);
            emit(s->relation, s->args, s->repeatable);
            return;
        }
        case T_RangeTableFunc: {
            const auto* s = reinterpret_cast<const RangeTableFunc*>(node);
            emit(s->docexpr, s->rowexpr, s->namespaces, s->columns);
            return;
        }
        case T_RangeTableFuncCol: {
            const auto* s = reinterpret_cast<const RangeTableFuncCol*>(node);
            emit(s->colexpr, s->coldefexpr);
            return;
        }
        case T_JsonTable: {
            const auto* s = reinterpret_cast<const JsonTable*>(node);
            emit(s->context_item, s->pathspec, s->passing, s->columns, s->on_error);
            return;
        }
        case T_JsonTableColumn: {
            const auto* s = reinterpret_cast<const JsonTableColumn*>(node);
            emit(s->pathspec, s->columns, s->on_empty, s->on_error);
            return;
        }
        case T_JsonTablePathSpec:
            emit(reinterpret_cast<const JsonTablePathSpec*>(node)->string);
            return;
        // Expressions and the clauses around them.
        case T_ResTarget: {
            const auto* s = reinterpret_cast<const ResTarget*>(node);
            emit(s->indirection, s->val);
            return;
        }
        case T_MultiAssignRef:
            emit(reinterpret_cast<const MultiAssignRef*>(node)->source);
            return;
        case T_A_Expr: {
            const auto* s = reinterpret_cast<const A_Expr*>(node);
            emit(s->lexpr, s->rexpr);
            return;
        }
        case T_BoolExpr:
            emit(reinterpret_cast<const BoolExpr*>(node)->args);
            return;
        case T_FuncCall: {
            const auto* s = reinterpret_cast<const FuncCall*>(node);
            emit(s->args, s->agg_order, s->agg_filter, s->over);
            return;
        }
        case T_NamedArgExpr:
            emit(reinterpret_cast<const NamedArgExpr*>(node)->arg);
            return;
        case T_TypeCast:
            emit(reinterpret_cast<const TypeCast*>(node)->arg);
            return;
        case T_CollateClause:
            emit(reinterpret_cast<const CollateClause*>(node)->arg);
            return;
        case T_SubLink: {
            const auto* s = reinterpret_cast<const SubLink*>(node);
            emit(s->testexpr, s->subselect);
            return;
        }
        case T_CaseExpr: {
            const auto* s = reinterpret_cast<const CaseExpr*>(node);
            emit(s->arg, s->args, s->defresult);
            return;
        }
        case T_CaseWhen: {
            const auto* s = reinterpret_cast<const CaseWhen*>(node);
            emit(s->expr, s->result);
            return;
        }
        case T_CoalesceExpr:
            emit(reinterpret_cast<const CoalesceExpr*>(node)->args);
            return;
        case T_MinMaxExpr:
            emit(reinterpret_cast<const MinMaxExpr*>(node)->args);
            return;
        case T_RowExpr:
            emit(reinterpret_cast<const RowExpr*>(node)->args);
            return;
        case T_GroupingFunc:
            emit(reinterpret_cast<const GroupingFunc*>(node)->args);
            return;
        case T_XmlExpr: {
            const auto* s = reinterpret_cast<const XmlExpr*>(node);
            emit(s->named_args, s->args);
            return;
        }
        case T_XmlSerialize:
            emit(reinterpret_cast<const XmlSerialize*>(node)->expr);
            return;
        case T_NullTest:
            emit(reinterpret_cast<const NullTest*>(node)->arg);
            return;
        case T_BooleanTest:
            emit(reinterpret_cast<const BooleanTest*>(node)->arg);
            return;
        case T_A_Indirection: {
            const auto* s = reinterpret_cast<const A_Indirection*>(node);
            emit(s->arg, s->indirection);
            return;
        }
        case T_A_Indices: {
            const auto* s = reinterpret_cast<const A_Indices*>(node);
            emit(s->lidx, s->uidx);
            return;
        }
        case T_A_ArrayExpr:
            emit(reinterpret_cast<const A_ArrayExpr*>(node)->elements);
            return;
        case T_SortBy:
            emit(reinterpret_cast<const SortBy*>(node)->node);
            return;
        case T_WindowDef: {
            const auto* s = reinterpret_cast<const WindowDef*>(node);
            emit(s->partitionClause, s->orderClause, s->startOffset, s->endOffset);
            return;
        }
        case T_GroupingSet:
            emit(reinterpret_cast<const GroupingSet*>(node)->content);
            return;
        case T_ColumnDef:
            emit(reinterpret_cast<const ColumnDef*>(node)->raw_default);
            return;
        // SQL/JSON.
        case T_JsonValueExpr: {
            const auto* s = reinterpret_cast<const JsonValueExpr*>(node);
            emit(s->raw_expr, s->formatted_expr);
            return;
        }
        case T_JsonParseExpr:
            emit(reinterpret_cast<const JsonParseExpr*>(node)->expr);
            return;
        case T_JsonScalarExpr:
            emit(reinterpret_cast<const JsonScalarExpr*>(node)->expr);
            return;
        case T_JsonSerializeExpr:
            emit(reinterpret_cast<const JsonSerializeExpr*>(node)->expr);
            return;
        case T_JsonIsPredicate:
            emit(reinterpret_cast<const JsonIsPredicate*>(node)->expr);
            return;
        case T_JsonBehavior:
            emit(reinterpret_cast<const JsonBehavior*>(node)->expr);
            return;
        case T_JsonArgument:
            emit(reinterpret_cast<const JsonArgument*>(node)->val);
            return;
        case T_JsonFuncExpr: {
            const auto* s = reinterpret_cast<const JsonFuncExpr*>(node);
            emit(s->context_item, s->pathspec, s->passing, s->on_empty, s->on_error);
            return;
        }
        case T_JsonKeyValue: {
            const auto* s = reinterpret_cast<const JsonKeyValue*>(node);
            emit(s->key, s->value);
            return;
        }
        case T_JsonObjectConstructor:
            emit(reinterpret_cast<const JsonObjectConstructor*>(node)->exprs);
            return;
        case T_JsonArrayConstructor:
            emit(reinterpret_cast<const JsonArrayConstructor*>(node)->exprs);
            return;
        case T_JsonArrayQueryConstructor:
            emit(reinterpret_cast<const JsonArrayQueryConstructor*>(node)->query);
            return;
        case T_JsonAggConstructor: {
            const auto* s = reinterpret_cast<const JsonAggConstructor*>(node);
            emit(s->agg_filter, s->agg_order, s->over);
            return;
        }
        case T_JsonObjectAgg: {
            const auto* s = reinterpret_cast<const JsonObjectAgg*>(node);
            emit(s->constructor, s->arg);
            return;
        }
        case T_JsonArrayAgg: {
            const auto* s = reinterpret_cast<const JsonArrayAgg*>(node);
            emit(s->constructor, s->arg);
            return;
        }
        default:
            // Leaves (constants, column and parameter references, names) and nodes that
            // cannot appear in a query.
            return;
    }
}

}  // namespace pgfence::analyze::pg
