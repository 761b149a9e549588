#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_type.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const auto& c : column_types(ctx)) {
        if (c.base != "json") continue;
        Finding& f = add_column_finding(sink, ctx, c, "column " + column_name(c) + " is " + c.written +
                                                          ": it keeps the text as written (whitespace, key order, duplicate keys), "
                                                          "parses it again on every access, and has no equality operator or GIN "
                                                          "index support; jsonb has all three");
        f.fix = "declare " + quote_ident(c.column) + " as jsonb" + (c.array ? "[]" : "");
    }
}

}  // namespace

PGFENCE_RULE(prefer_jsonb) {
    return Rule{"prefer-jsonb", Risk::Low, "json columns: jsonb can be compared, indexed and is parsed once", check,
                nullptr, false, "types", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
