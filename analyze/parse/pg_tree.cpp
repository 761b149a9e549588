#include "analyze/parse/pg_tree.hpp"

#include "analyze/parse/names.hpp"

namespace pgfence::analyze::pg {

std::string_view kind_name(const Node* node) {
    if (node == nullptr) return {};
    switch (nodeTag(node)) {
#define PGFENCE_PG_NODE(name) \
    case T_##name:            \
        return #name;
#include "analyze/pg_node_tags.inc"
#undef PGFENCE_PG_NODE
        default:
            return {};
    }
}

long integer(const Node* node, long fallback) {
    if (const Integer* i = as<Integer>(node)) return i->ival;
    if (const A_Const* c = as<A_Const>(node); c != nullptr && !c->isnull && c->val.node.type == T_Integer) {
        return c->val.ival.ival;
    }
    return fallback;
}

std::string qualified_name(const List* names) { return qualified_name(names, length(names)); }

std::string qualified_name(const List* names, int count) {
    std::string out;
    for (int i = 0; i < count && i < length(names); ++i) {
        if (!out.empty()) out += '.';
        out += quote_ident(text(nth(names, i)));
    }
    return out;
}

std::string_view last_name(const List* names) { return text(last(names)); }

std::string display_name(const RangeVar* rv) {
    if (rv == nullptr) return {};
    std::string out;
    std::string_view schema = rv->schemaname != nullptr ? std::string_view(rv->schemaname) : std::string_view();
    std::string_view relname = text(rv->relname);
    out.reserve(schema.size() + relname.size() + 6);
    if (rv->schemaname != nullptr) {
        append_quoted_ident(out, schema);
        out += '.';
    }
    append_quoted_ident(out, relname);
    return out;
}

}  // namespace pgfence::analyze::pg
