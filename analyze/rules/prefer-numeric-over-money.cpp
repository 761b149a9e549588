#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_type.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const auto& c : column_types(ctx)) {
        if (c.base != "money") continue;
        Finding& f = add_column_finding(sink, ctx, c, "column " + column_name(c) +
                                                          " is money: its text form and its number of fraction digits "
                                                          "follow the lc_monetary setting, so values dumped under one "
                                                          "locale can fail to load or read back wrong under another, and "
                                                          "it records no currency");
        f.fix = "declare " + quote_ident(c.column) +
                " as numeric with the scale you need (numeric(12,2), say), with the currency in a column of its own "
                "if it varies";
    }
}

}  // namespace

PGFENCE_RULE(prefer_numeric_over_money) {
    return Rule{"prefer-numeric-over-money", Risk::Low, "money columns: text form and fraction digits depend on lc_monetary",
                check, nullptr, false, "types", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
