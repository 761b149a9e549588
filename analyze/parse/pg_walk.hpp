#pragma once
// The children of a raw parse tree node, for walkers that look for relations and function
// calls anywhere in a query or an expression. Modelled on PostgreSQL's
// raw_expression_tree_walker (nodes/nodeFuncs.c), which cannot be called here: it raises
// ERROR (a longjmp) on deep trees and on node kinds it does not know.
#include "analyze/parse/function_ref.hpp"

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::pg {

// Calls `fn` with each non-null child of `node`, in the order of the struct's fields. A list
// field is passed as its List node (walk its elements with each()). Fields that hold no
// relation and no expression (names, aliases, type names, options) are not visited, nor
// RangeVar fields that name a statement's target (InsertStmt::relation, IntoClause::rel):
// the caller decides what those mean.
void each_child(const Node* node, FunctionRef<void(const Node*)> fn);

}  // namespace pgfence::analyze::pg
