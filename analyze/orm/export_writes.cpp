#include "analyze/orm/export_writes.hpp"

#include <set>
#include <cctype>
#include <string_view>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/project_tool.hpp"

namespace pgfence::analyze::orm {
namespace {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}

// Tokens at i name the module's exports (`exports`, `module.exports`, `module`, not `x.exports`):
// the index after them, or 0.
std::size_t exports_at(const std::vector<Token>& t, std::size_t i) {
    if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?."))) return 0;
    if (is(t, i, "exports")) return i + 1;
    if (is(t, i, "module")) return is(t, i + 1, ".") && is(t, i + 2, "exports") ? i + 3 : i + 1;
    return 0;
}

}  // namespace

std::vector<std::pair<std::size_t, std::string>> hidden_export_writes(const std::vector<Token>& t) {
    std::vector<std::pair<std::size_t, std::string>> out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        std::size_t after = exports_at(t, i);
        if (after != 0 && is(t, after, "[")) {
            bool literal = after + 2 < t.size() && t[after + 1].kind == TokenKind::String && is(t, after + 2, "]");
            if (!literal) out.emplace_back(t[i].begin, "a property of the module's exports is set under a computed key: it may be the up() the tool runs, which pgfence does not read");
            continue;
        }
        // Object.defineProperty(exports, ...), Reflect.set(module.exports, ...), ...
        if ((is(t, i, "Object") || is(t, i, "Reflect")) && is(t, i + 1, ".") && i + 2 < t.size() && is(t, i + 3, "(") &&
            !(i > 0 && is(t, i - 1, "."))) {
            std::string_view m = t[i + 2].text;
            bool writes = m == "defineProperty" || m == "defineProperties" || m == "assign" || m == "set" || m == "setPrototypeOf";
            if (writes && exports_at(t, i + 4) != 0) {
                out.emplace_back(t[i].begin, t[i].text + "." + std::string(m) + "() on the module's exports may define the up() the tool runs, which pgfence does not read");
            }
        }
    }
    return out;
}

std::vector<std::pair<std::size_t, std::size_t>> with_statements(const std::vector<Token>& t) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident || t[i].text != "with" || !is(t, i + 1, "(")) continue;
        if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?.") || is(t, i - 1, "function"))) continue;  // x.with(...), function with()
        std::size_t j = i + 1, depth = 0;  // to the `)` closing its head
        for (; j < t.size(); ++j) {
            if (is(t, j, "(")) ++depth;
            if (is(t, j, ")") && --depth == 0) break;
        }
        out.emplace_back(t[i].begin, j < t.size() ? t[j].end : t[i].end);
    }
    return out;
}

std::vector<std::size_t> runner_defaults(const std::vector<Token>& t, const std::set<std::string>& runners) {
    std::vector<std::size_t> out;
    std::vector<std::size_t> opens;  // the '(' of each parenthesis open
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (is(t, i, "(")) opens.push_back(i);
        if (is(t, i, ")") && !opens.empty()) opens.pop_back();
        // `= runner` inside parentheses directly after `function name?(` or before `) =>`: a
        // parameter's default. Checked cheaply: the `(` is a function's or is followed by `) =>`.
        if (!is(t, i, "=") || opens.empty() || i + 1 >= t.size() || t[i + 1].kind != TokenKind::Ident ||
            runners.count(t[i + 1].text) == 0)
            continue;
        std::size_t open = opens.back();
        bool function_params = (open > 0 && is(t, open - 1, "function")) ||
                               (open > 1 && t[open - 1].kind == TokenKind::Ident && is(t, open - 2, "function"));
        bool arrow = false;
        for (std::size_t j = i + 1, d = 1; j < t.size() && j < i + 4096; ++j) {  // bounded: linear overall
            if (is(t, j, "(")) ++d;
            if (is(t, j, ")") && --d == 0) {
                arrow = is(t, j + 1, "=>") || is(t, j + 1, "{");
                break;
            }
        }
        if (function_params || arrow) out.push_back(t[i + 1].begin);
    }
    return out;
}

const Node* node_at(const std::vector<Node>& nodes, std::size_t offset) {
    const Node* best = nullptr;
    const std::vector<Node>* level = &nodes;
    for (int depth = 0; depth < 512; ++depth) {
        const Node* inside = nullptr;
        for (const Node& n : *level) {
            if (n.begin <= offset && offset < n.end) inside = &n;
        }
        if (inside == nullptr) break;
        if (best == nullptr || inside->kind == NodeKind::Call || (inside->kind == NodeKind::Binary && inside->name == "=")) best = inside;
        level = &inside->kids;
    }
    return best;
}

void mark_hidden_uses(const JsFile& file, std::string_view text, Emitter& emitter) {
    // Writes to the exports the walker does not read as definitions: unknown at their line.
    for (const auto& [at, why] : hidden_export_writes(file.tokens)) {
        if (const Node* n = node_at(file.statements, at)) emitter.unknown(*n, emitter.add_call(*n, "exports", false), why);
    }
    for (std::size_t at : runner_defaults(file.tokens, up_receivers(file.tokens))) {
        Node use;
        use.begin = at;
        use.end = at;
        while (use.end < text.size() && (std::isalnum(static_cast<unsigned char>(text[use.end])) || text[use.end] == '_' ||
                                         text[use.end] == '$' || text[use.end] == '.')) {
            ++use.end;
        }
        emitter.unknown(use, emitter.add_call(use, "default", false),
                        "the migration's runner is a parameter's default value here: the function gets it without being "
                        "handed it, which pgfence does not follow");
    }
    for (const auto& [begin, end] : with_statements(file.tokens)) {
        Node head;
        head.begin = begin;
        head.end = end;
        {
            const Node* n = &head;
            emitter.unknown(*n, emitter.add_call(*n, "with", false),
                            "a `with` statement: the names in its block may be members of its object (the migration's runner or "
                            "a handle from it), which pgfence does not read as such");
        }
    }
}

}  // namespace pgfence::analyze::orm
