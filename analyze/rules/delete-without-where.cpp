#include "analyze/rules/operation_dml.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) { operation::check_whole_table_dml(ctx, sink, T_DeleteStmt); }

}  // namespace

PGFENCE_RULE(delete_without_where) {
    return Rule{"delete-without-where", Risk::High,
                "DELETE without WHERE deletes and locks every row of the table in one transaction", check, nullptr,
                true, "data-loss", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
