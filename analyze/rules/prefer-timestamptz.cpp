#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_type.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const auto& c : column_types(ctx)) {
        if (c.base != "timestamp") continue;
        auto open = c.type.find('(');
        std::string precision = open == std::string::npos ? "" : c.type.substr(open, c.type.find(')') - open + 1);
        Finding& f = add_column_finding(sink, ctx, c, "column " + column_name(c) +
                                                          " is timestamp without time zone: it stores the wall-clock "
                                                          "time it is given and drops the offset, so the same instant "
                                                          "written from sessions in different time zones is stored "
                                                          "differently; timestamptz stores the instant");
        f.fix = "declare " + quote_ident(c.column) + " as timestamptz" + precision + (c.array ? "[]" : "");
    }
}

}  // namespace

PGFENCE_RULE(prefer_timestamptz) {
    return Rule{"prefer-timestamptz", Risk::Low,
                "timestamp without time zone columns: timestamptz records the instant, not a wall-clock reading",
                check, nullptr, false, "types", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
