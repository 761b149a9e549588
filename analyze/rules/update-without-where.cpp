#include "analyze/rules/operation_dml.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) { operation::check_whole_table_dml(ctx, sink, T_UpdateStmt); }

}  // namespace

PGFENCE_RULE(update_without_where) {
    return Rule{"update-without-where", Risk::High,
                "UPDATE without WHERE rewrites and locks every row of the table in one transaction", check, nullptr,
                true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
