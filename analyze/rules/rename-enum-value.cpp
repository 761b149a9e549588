#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;
using namespace operation;

// ALTER TYPE t RENAME VALUE 'a' TO 'b' (PostgreSQL 10+) is instant and takes no lock that
// blocks traffic, but from its commit the old label is no longer valid input: every INSERT or
// UPDATE that still writes it fails, and comparisons with it fail too.
void check(const StatementContext& ctx, Sink& sink) {
    const auto* alter = ctx.as<AlterEnumStmt>();
    if (alter == nullptr || alter->oldVal == nullptr || alter->newVal == nullptr) return;
    QualifiedName type = name_of_list(alter->typeName);
    if (type_made_earlier(ctx, type)) return;  // an enum made in this file: no deployed code knows its values
    std::string old_label = quote_literal(std::string(pg::text(alter->oldVal)));
    std::string new_label = quote_literal(std::string(pg::text(alter->newVal)));
    Finding& f = sink.add(ctx.statement, "renaming value " + old_label + " of enum " + shown(type) + " to " + new_label +
                                             " breaks code that still writes or compares " + old_label +
                                             ": from this migration on it fails with \"invalid input value for enum\"");
    f.fix = "add " + new_label + " with ALTER TYPE ... ADD VALUE, deploy code that writes " + new_label +
            " and reads both, move the rows over in batches, and stop using " + old_label +
            " (an enum value cannot be dropped; a rename is safe once no code uses the old one)";
}

}  // namespace

PGFENCE_RULE(rename_enum_value) {
    return Rule{"rename-enum-value", Risk::High,
                "Renaming an enum value breaks the application code still writing or comparing the old one", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
