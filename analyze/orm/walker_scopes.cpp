#include "analyze/orm/walker_impl.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

// Block scopes: the parse keeps a block that binds names (`{ const s = "users"; }`, a catch's
// parameter, a loop head's `let`) as a scope node (js_ast.cpp Parser::scoped), so a name bound
// there is not the alias or the runner of the same name outside it.
namespace pgfence::analyze::orm::detail {

namespace {

// A value that cannot be the runner or something on it: a literal, a template with no `${...}`,
// and arrays, objects, operators and conditionals of them (a bounded walk: the node is the
// script's own, read once).
bool plain_value(const Node& n) {
    switch (n.kind) {
        case NodeKind::String:
        case NodeKind::Number: return true;
        case NodeKind::Ident: return n.name == "true" || n.name == "false" || n.name == "null" || n.name == "undefined";
        case NodeKind::Array:
        case NodeKind::Object:
        case NodeKind::Binary:
        case NodeKind::Unary:
            if (n.kind == NodeKind::Unary && (n.name == "await" || n.name == "yield" || n.name == "delete")) return false;
            if (n.kind == NodeKind::Binary && n.name.ends_with("=") && n.name != "==" && n.name != "===" && n.name != "!=" &&
                n.name != "!==" && n.name != "<=" && n.name != ">=") {
                return false;  // an assignment inside
            }
            return std::all_of(n.kids.begin(), n.kids.end(), plain_value);
        case NodeKind::Other: return (n.name == "?:" || n.name == ",") && std::all_of(n.kids.begin(), n.kids.end(), plain_value);
        default: return false;
    }
}

bool binds(const Node& left, const std::string& name) {
    if (left.kind == NodeKind::Ident) return left.name == name;
    if (left.kind == NodeKind::Binary && left.name == "=" && !left.kids.empty()) return binds(left.kids[0], name);
    if (left.kind == NodeKind::Object || left.kind == NodeKind::Array) {
        return std::any_of(left.kids.begin(), left.kids.end(), [&](const Node& k) { return binds(k, name); });
    }
    return false;
}

// Whether the scope binds `name` only to plain values: a catch's parameter (the runner gets there
// only by `throw`, which is reported where it is thrown), or declarations of it whose every value
// is plain. A loop head, a pattern's default or any other binding is not known to be plain.
bool binds_plain(const Node& scope, const std::string& name) {
    if (!scope.keys.empty() && scope.keys[0] == "catch") return true;
    bool found = false;
    for (const Node& k : scope.kids) {
        const Node* d = &k;
        if (d->context != "const" && d->context != "let") continue;
        if (d->kind == NodeKind::Ident && d->name == name) return false;  // `let x;` assigned later
        if (d->kind != NodeKind::Binary || d->name != "=" || d->kids.size() != 2 || !binds(d->kids[0], name)) continue;
        if (d->kids[0].kind != NodeKind::Ident || !plain_value(d->kids[1])) return false;
        found = true;
    }
    return found;
}

// The value a builder `name` holds once the statement `n` (at `line`) changed it in place: the
// walker reads its later uses as that changed builder.
Node builder_changed(const Node& n, const std::string& name, std::size_t line) {
    Node changed;
    changed.kind = NodeKind::Other;
    changed.name = "builder~";
    changed.begin = n.begin;
    changed.end = n.end;
    changed.keys = {name, std::to_string(line)};
    return changed;
}

}  // namespace

bool Walker::root_name(const std::string& name) const { return std::find(m_roots.begin(), m_roots.end(), name) != m_roots.end(); }

void Walker::renamed(std::string& name) const {
    if (std::find(m_renames.begin(), m_renames.end(), name) != m_renames.end()) name.insert(0, "#");
}

void Walker::rename_bindings(Node& left) const {
    if (left.kind == NodeKind::Ident) {
        renamed(left.name);
        return;
    }
    if (left.kind == NodeKind::Binary && left.name == "=" && !left.kids.empty()) {
        rename_bindings(left.kids[0]);
        return;
    }
    if (left.kind == NodeKind::Object || left.kind == NodeKind::Array) {
        for (Node& k : left.kids) rename_bindings(k);
    }
}

void Walker::rename_params(Node& func) {
    // `rows.map((knex) => knex.id)`: the parameter is the function's own value. A handler that
    // hands the runner to such a function (`knex.transaction((knex) => ...)`, `.then`) pushes the
    // parameter's (new) name as a root, so its uses there are still the runner's.
    for (auto& p : func.params) {
        if (p.empty() || !root_name(p)) continue;
        m_renames.push_back(p);
        p.insert(0, "#");
    }
}

void Walker::read_callback(const Node& func) {
    // The body was rewritten with up()'s, before the parameter was a root: aliases of the
    // parameter were not yet the runner's (`const s = trx.schema; s.dropTable(...)` was read as
    // nothing). The aliases of up() are already substituted in it; the callback's own are
    // found now, and end with it.
    Node body = func;
    const std::size_t mark = m_undo.size();
    Aliases own;
    for (Node& k : body.kids) rewrite_statement(k, own);
    for (std::size_t j = 0; j < body.kids.size(); ++j) visit_kid(body, j, false);
    m_undo.resize(mark);
}

bool Walker::builder_change(const std::string& m) {
    static const std::string_view k_adds[] = {"limit", "offset", "orderBy", "modify", "clear", "using", "updateFrom", "from", "table",
                                              "into", "withSchema", "having", "orHaving", "havingRaw", "union", "unionAll"};
    std::string lower = m;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("where") != std::string::npos || lower.find("join") != std::string::npos ||
           std::find(std::begin(k_adds), std::end(k_adds), m) != std::end(k_adds);
}

void Walker::changed_in(const Node& n, const Aliases& a, std::vector<std::string>& out, int depth) const {
    // A function's or a block's statements are each read by rewrite_statement: not again here (linear).
    if (depth > 4096 || (depth > 0 && (n.kind == NodeKind::Func || (n.kind == NodeKind::Other && n.name == "{}")))) return;
    if (n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && !n.kids[0].kids.empty() &&
        builder_change(n.kids[0].name)) {
        const Node* base = &n.kids[0].kids[0];
        while (base->kind == NodeKind::Call && !base->kids.empty() && base->kids[0].kind == NodeKind::Member && !base->kids[0].kids.empty() &&
               builder_change(base->kids[0].name)) {
            base = &base->kids[0].kids[0];
        }
        if (base->kind == NodeKind::Ident) {
            std::string name = base->name;
            renamed(name);
            auto it = a.find(name);
            if (it != a.end() && ((it->second.kind == NodeKind::Call && rooted(it->second)) ||
                                  (it->second.kind == NodeKind::Other && it->second.name == "builder~"))) {
                if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
            }
        }
    }
    for (const Node& k : n.kids) changed_in(k, a, out, depth + 1);
}

void Walker::rewrite_statement(Node& n, Aliases& a) {
    // Knex's query builder changed in place by a statement of its own (`q.where("email", e);`,
    // kutt's 20241103083933_user-roles.js in a forEach): knex's builder methods add to the builder
    // and return it (knex/lib/query/querybuilder.js), nothing is sent until it is awaited. Which
    // of them ran before `await q` is not followed: the statement sends nothing, and `q` from
    // here on is a builder pgfence does not know (unknown where used).
    static const std::string_view k_adds[] = {"where", "orWhere", "andWhere", "whereNot", "orWhereNot", "whereIn", "orWhereIn",
                                              "whereNotIn", "orWhereNotIn", "whereNull", "orWhereNull", "whereNotNull",
                                              "orWhereNotNull", "whereRaw", "orWhereRaw", "andWhereRaw", "whereBetween",
                                              "orWhereBetween", "whereExists", "orWhereExists", "limit", "offset", "orderBy",
                                              "join", "leftJoin", "innerJoin"};
    const Node* base = &n;
    bool adds = m_format == InputFormat::Knex && n.kind == NodeKind::Call;
    while (adds && base->kind == NodeKind::Call && !base->kids.empty() && base->kids[0].kind == NodeKind::Member && !base->kids[0].kids.empty()) {
        const std::string& m = base->kids[0].name;
        adds = std::find(std::begin(k_adds), std::end(k_adds), m) != std::end(k_adds);
        base = &base->kids[0].kids[0];
    }
    std::string name = adds && base->kind == NodeKind::Ident ? base->name : std::string();
    if (!name.empty()) renamed(name);
    auto it = name.empty() ? a.end() : a.find(name);
    const bool changed_before = it != a.end() && it->second.kind == NodeKind::Other && it->second.name == "builder~";
    if (it == a.end() || (!changed_before && (it->second.kind != NodeKind::Call || !rooted(it->second)))) {
        // The same call anywhere in the statement (`(await q.orWhere(...)).length`, `const n =
        // await q.where(...)`): awaiting it sends it, and the where stays on q (querybuilder.js
        // adds to `this`), so q from here on is changed the same way.
        std::vector<std::string> changed_names;
        if (m_format == InputFormat::Knex) changed_in(n, a, changed_names, 0);
        rewrite(n, a);
        for (const std::string& c : changed_names) {
            if (auto at = a.find(c); at != a.end() && at->second.kind == NodeKind::Other && at->second.name == "builder~") continue;
            Node changed = builder_changed(n, c, line_of(n.begin));
            define(a, c, changed);
            m_mutated.emplace_back(c, std::move(changed));
        }
        return;
    }
    Node args;  // what still runs: the arguments, as values
    args.kind = NodeKind::Array;
    args.begin = n.begin;
    args.end = n.end;
    for (Node* at = &n; at->kind == NodeKind::Call && !at->kids.empty(); at = &at->kids[0].kids[0]) {
        for (std::size_t i = 1; i < at->kids.size(); ++i) args.kids.push_back(std::move(at->kids[i]));
        if (at->kids[0].kind != NodeKind::Member || at->kids[0].kids.empty()) break;
    }
    rewrite(args, a);
    if (changed_before) {  // changed again: still the builder first changed there
        n = std::move(args);
        return;
    }
    Node changed = builder_changed(n, name, line_of(n.begin));
    define(a, name, changed);
    m_mutated.emplace_back(name, std::move(changed));
    n = std::move(args);
}

void Walker::rewrite_scope(Node& n, Aliases& a) {
    const std::size_t renames = m_renames.size();
    std::vector<std::pair<std::string, std::optional<Node>>> outer;  // the aliases the block hides
    for (const std::string& name : n.params) {
        if (root_name(name)) {
            // The runner's own name: renamed only where the block binds it to a plain value; else
            // every use in the block stays the runner's (unknown where not read).
            if (binds_plain(n, name)) m_renames.push_back(name);
            continue;
        }
        auto it = a.find(name);
        if (it == a.end()) continue;
        outer.emplace_back(name, it->second);
        forget(a, name);
    }
    for (Node& k : n.kids) rewrite_statement(k, a);
    // The block's own names end with it: the aliases they hid are back; a name the block only
    // assigned keeps what it was given (or became runner[?] where the write may not run).
    for (auto& [name, before] : outer) define(a, name, std::move(*before));
    for (const std::string& name : n.params) {
        if (root_name(name)) continue;
        if (std::none_of(outer.begin(), outer.end(), [&](const auto& o) { return o.first == name; })) forget(a, name);
    }
    m_renames.resize(renames);
}

}  // namespace pgfence::analyze::orm::detail
