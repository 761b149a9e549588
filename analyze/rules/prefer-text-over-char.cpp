#include "analyze/parse/names.hpp"
#include "analyze/rules/registry_type.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    for (const auto& c : column_types(ctx)) {
        if (c.base != "bpchar") continue;
        std::string col = quote_ident(c.column);
        Finding& f = add_column_finding(sink, ctx, c, "column " + column_name(c) + " is " + c.written +
                                                          ": values are padded with spaces to the full length, the "
                                                          "padding is ignored in some comparisons and kept in others, "
                                                          "and it is no faster than text");
        auto open = c.type.find('(');
        std::string length = open == std::string::npos ? "" : c.type.substr(open + 1, c.type.find(')') - open - 1);
        f.fix = c.array || length.empty() ? "declare " + col + " as text" + (c.array ? "[]" : "")
                                          : "declare " + col + " as text, with CHECK (char_length(" + col + ") = " +
                                                length + ") if the length is fixed";
    }
}

}  // namespace

PGFENCE_RULE(prefer_text_over_char) {
    return Rule{"prefer-text-over-char", Risk::Low, "char(n) columns: blank-padded, with surprising comparisons", check,
                nullptr, false, "types", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
