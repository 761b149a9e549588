#include "analyze/pg_tree.hpp"

#include "analyze/names.hpp"

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
    if (rv->schemaname != nullptr) out = quote_ident(rv->schemaname) + ".";
    return out + quote_ident(text(rv->relname));
}

}  // namespace pgfence::analyze::pg
