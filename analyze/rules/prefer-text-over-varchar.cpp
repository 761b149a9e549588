#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_type.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const auto& c : column_types(ctx)) {
        auto open = c.type.find('(');
        if (c.base != "varchar" || open == std::string::npos) continue;  // plain varchar has no limit to change
        std::string limit = c.type.substr(open + 1, c.type.find(')') - open - 1);
        std::string col = quote_ident(c.column);
        Finding& f = add_column_finding(sink, ctx, c, "column " + column_name(c) + " is " + c.written +
                                                          ": every change of the limit is an ALTER COLUMN TYPE on the "
                                                          "table (lowering it rewrites the table); a length CHECK on text "
                                                          "can be swapped with NOT VALID and VALIDATE, without a rewrite");
        f.fix = c.array ? "declare " + col + " as text[]"
                        : "declare " + col + " as text with CHECK (char_length(" + col + ") <= " + limit + ")";
    }
}

}  // namespace

PGFENCE_RULE(prefer_text_over_varchar) {
    return Rule{"prefer-text-over-varchar", Risk::Low,
                "varchar(n) columns: a length CHECK on text is cheaper to change than the type", check, nullptr, false,
                "types", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
