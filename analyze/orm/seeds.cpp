#include "analyze/orm/seeds.hpp"

namespace pgfence::analyze::orm {
namespace {

bool has_function(const Node& n, std::string_view a, std::string_view b) {
    if (n.kind == NodeKind::Func && (n.name == a || n.name == b)) return true;
    for (const Node& k : n.kids) {
        if (has_function(k, a, b)) return true;
    }
    return false;
}

void rename_seed(Node& n) {
    if (n.kind == NodeKind::Func && n.name == "seed") n.name = "up";
    for (Node& k : n.kids) rename_seed(k);
}

}  // namespace

bool seed_as_up(JsFile& file) {
    bool seed = false;
    for (const Node& n : file.statements) {
        if (has_function(n, "up", "down")) return false;
        seed = seed || has_function(n, "seed", "seed");
    }
    if (!seed) return false;
    for (Node& n : file.statements) rename_seed(n);
    return true;
}

}  // namespace pgfence::analyze::orm
