#pragma once
// The walk over JavaScript/TypeScript or JSON settings text that tool_dirs_js.cpp and
// tool_dirs_globs.cpp share (split from tool_dirs.cpp, moves only): JsWalk and walk_keys.
// Not for use outside analyze/migrations: tool_dirs.hpp is the API.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/settings_constants.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"
#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools::tool_dirs_detail {

// A settings file names a handful of folders; past this many, the rest are one unknown (and the
// output stays small whatever the file holds).
constexpr std::size_t k_most_dirs = 64;

// Arrays nested deeper than this in a value are not read (computed), so no input recurses far.
constexpr int k_deepest_value = 16;

// tool_dirs.cpp: `s` without the spaces around it; the folder of a glob before its first wildcard;
// whether a glob has syntax loaded_by does not match.
std::string_view trim(std::string_view s);
std::string glob_folder(std::string_view glob);
bool extglob(std::string_view glob);
// tool_dirs.cpp: whether a file name is TypeORM's settings file (ormconfig.*), or a script's.
bool typeorm_name(std::string_view name);
bool script_name(std::string_view name);

// A path expression of the settings file's folder or of the folder the tool runs in, as Node
// computes it: `path.join(__dirname, "migrations")`, `path.resolve(__dirname, "migrations/*.js")`,
// `__dirname + "/migrations"`, `` `${__dirname}/migrations` `` (TypeORM's documentation writes
// `__dirname + "/migration/*.js"`; knex's templates `path.join(__dirname, 'migrations')`), and the
// same with process.cwd(). __dirname is the folder of the module Node loaded (nodejs.org/api/
// modules.html, "__dirname"): the settings file's own, whatever folder the tool runs in. The
// result: 'D' (the file's folder) or 'C' (the folder the tool runs in), then the relative path;
// nothing when any part is computed or absolute.
// `file`: what the whole file says of the names (settings_constants.hpp): whether __dirname is
// the module's folder, and whether a bare `join(` / `resolve(` is path's.
struct AnchorNames {
    bool dirname = true;
    bool join = false;
    bool resolve = false;
};
std::optional<std::string> fold_anchored(const std::vector<orm::Token>& e, std::size_t from, std::size_t to, const AnchorNames& file = {});

// A walk over JavaScript/TypeScript or JSON text by the script lexer's tokens (orm/js_lexer.hpp):
// the key each object is the value of, so `migrations: { directory: ... }` is told from
// `seeds: { directory: ... }`. Strings, templates, comments and regular expressions are the
// lexer's, as Node reads them (a walk of its own once took the quote in `/'/` for a string and
// lost the `directory` after it: knex ran a folder pgfence never listed). Where the lexer stops,
// the walk stops (the settings readers report that line unknown).
struct JsWalk {
    std::string_view text;
    std::vector<orm::Token> t;
    std::size_t k = 0;
    // value() folds path expressions of the settings file's folder or the run folder
    // (fold_anchored), each given as k_folded, its anchor and the path.
    bool fold = false;
    static constexpr char k_folded = '\x01';
    // What the file binds, read once when a value asks (settings_constants.hpp).
    std::optional<std::map<std::string, std::string>> constants;
    std::optional<AnchorNames> names;

    explicit JsWalk(std::string_view s) : text(s), t(orm::lex_js(s)) {
        if (!t.empty() && !t.back().unreadable.empty()) t.pop_back();
    }
    [[nodiscard]] bool done() const { return k >= t.size(); }
    // The offset of the token the walk is at (the text's end past the last).
    [[nodiscard]] std::size_t at() const { return k < t.size() ? t[k].begin : text.size(); }
    [[nodiscard]] bool is(std::string_view punct) const { return punct_at(t, k, punct); }
    // The value at the walk: its string literals (an array's too), or nothing when any part is not
    // one; `expr` is the value's text as written, for the message.
    std::optional<std::vector<std::string>> value(std::string_view& expr, int depth = 0) {
        const std::size_t start = k;
        const auto written = [&] {
            if (start >= t.size() || k == start) {
                expr = {};
                return;
            }
            const std::size_t from = t[start].begin, to = t[std::min(k, t.size()) - 1].end;
            expr = trim(text.substr(from, to - from));
        };
        const auto end_of_expr = [&] {
            int open = 0;
            for (; k < t.size(); ++k) {
                if (t[k].kind != orm::TokenKind::Punct) continue;
                const std::string& p = t[k].text;
                if (p == "(" || p == "[" || p == "{" || p == "${") ++open;
                else if (p == ")" || p == "]" || p == "}") {
                    if (open == 0) break;
                    --open;
                } else if ((p == "," || p == ";") && open == 0) break;
            }
            written();
        };
        const auto folded = [&]() -> std::optional<std::vector<std::string>> {
            if (!fold || k == start) return std::nullopt;
            if (!names) {
                names = AnchorNames{dirname_is_module_folder(t), named_from(t, "join", "path"), named_from(t, "resolve", "path")};
            }
            auto f = fold_anchored(t, start, k, *names);
            if (!f) return std::nullopt;
            return std::vector<std::string>{std::string(1, k_folded) + *f};
        };
        std::vector<std::string> out;
        if (k < t.size() && (t[k].kind == orm::TokenKind::String || t[k].kind == orm::TokenKind::Template)) {
            auto lit = literal_of(t[k]);
            // `` `.${fileExtension}` `` of `const fileExtension = 'js'` (automatisch's knexfile).
            if (!lit && t[k].kind == orm::TokenKind::Template) {
                if (!constants) constants = string_constants(t);
                lit = constant_template(t[k], *constants);
            }
            ++k;
            if (lit && !lit->starts_with(k_folded) && (done() || is(",") || is("}") || is("]") || is(";"))) {
                out.push_back(*lit);
                written();
                return out;
            }
            k = start;
            end_of_expr();
            return folded();
        }
        if (is("[") && depth < k_deepest_value) {
            ++k;
            bool all = true;
            while (!done()) {
                if (is("]")) {
                    ++k;
                    // `["./migrations"].concat("./lib/x")`: the tool sees what the expression
                    // computes, not the array alone (red team R82a B12): only an array that ends the
                    // value is read.
                    if (!done() && !is(",") && !is("}") && !is("]") && !is(";")) {
                        k = start;
                        end_of_expr();
                        return std::nullopt;
                    }
                    break;
                }
                if (is(",")) {
                    ++k;
                    continue;
                }
                std::string_view part;
                auto lit = value(part, depth + 1);
                if (lit) out.insert(out.end(), lit->begin(), lit->end());
                else all = false;
                if (!done() && !is(",") && !is("]")) ++k;
            }
            written();
            if (!all) return std::nullopt;
            return out;
        }
        end_of_expr();
        return folded();
    }
};

// Walks `text`, calling `on_key(walk, key, parent_key, offset of the value)` at each `key:`,
// `['key']:`, and member assignment `x.parent.key = ` / `x['parent']['key'] = ` (a knexfile's
// `c.migrations.directory = './db'` after its object); on_key returns whether it read the value
// (the walk then goes on after it).
// Where an object's contents are not all literal keys, on_key is called with the key "..." and
// the object's own key as parent, its value being the expression that supplies them: a spread
// (`migrations: { ...dirs }`), and the target of `Object.assign(c.migrations, ...)`. A shorthand
// property (`{ directory }`) is its key with the name as its value.
template <typename F>
void walk_keys(std::string_view text, F on_key, bool fold = false) {
    JsWalk w{text};
    w.fold = fold;
    const std::vector<std::size_t> close = orm::closing_brackets(w.t);
    std::vector<std::size_t> braces;  // the open `{` of each entry of `stack`
    std::vector<std::string> stack;
    std::string key;  // the key whose value comes next
    const auto punct = [&](std::size_t i, std::string_view p) { return punct_at(w.t, i, p); };
    // The member name a token ends: `.name` or `['name']` (nullopt: none, or computed).
    const auto member_before = [&](std::size_t end) -> std::optional<std::string> {
        if (end >= 1 && w.t[end - 1].kind == orm::TokenKind::Ident) return w.t[end - 1].text;
        if (end >= 3 && punct(end - 1, "]") && punct(end - 3, "[") && w.t[end - 2].kind != orm::TokenKind::Ident) {
            return literal_of(w.t[end - 2]);
        }
        return std::nullopt;
    };
    const auto call = [&](const std::string& name, const std::string& parent) {
        key = name;
        const std::size_t at = w.at();
        const std::size_t before = w.k;
        if (on_key(w, key, parent, at)) key.clear();
        if (w.k < before) w.k = before;  // never back
    };
    const auto in_literal = [&] {
        // The innermost brace is an object literal's, not a destructuring pattern's (`} =`).
        return !braces.empty() && braces.back() < w.t.size() && close[braces.back()] < w.t.size() && !punct(close[braces.back()] + 1, "=");
    };
    while (!w.done()) {
        const orm::Token& tok = w.t[w.k];
        // `...x` in an object literal: its keys come from x.
        if (punct(w.k, "...") && in_literal() && (punct(w.k - 1, "{") || punct(w.k - 1, ","))) {
            ++w.k;
            call("...", stack.back());
            continue;
        }
        // A shorthand property `{ directory }`: the key, with the name as its value.
        if (tok.kind == orm::TokenKind::Ident && in_literal() && w.k > 0 && (punct(w.k - 1, "{") || punct(w.k - 1, ",")) &&
            (punct(w.k + 1, ",") || punct(w.k + 1, "}"))) {
            const std::size_t before = w.k;
            call(tok.text, stack.back());
            if (w.k == before) ++w.k;
            continue;
        }
        // Object.assign(x.key, ...) (or `Object['assign'](...)`, red team R82a B1): x.key's
        // contents from the sources.
        const std::size_t assign_open = tok.kind == orm::TokenKind::Ident && tok.text == "Object" && punct(w.k + 1, ".") && w.k + 2 < w.t.size() &&
                                                w.t[w.k + 2].kind == orm::TokenKind::Ident && w.t[w.k + 2].text == "assign"
                                            ? w.k + 3
                                        : tok.kind == orm::TokenKind::Ident && tok.text == "Object" && punct(w.k + 1, "[") && punct(w.k + 3, "]") &&
                                                w.k + 2 < w.t.size() && w.t[w.k + 2].kind != orm::TokenKind::Ident &&
                                                literal_of(w.t[w.k + 2]) == std::optional<std::string>("assign")
                                            ? w.k + 4
                                            : 0;
        if (assign_open != 0 && punct(assign_open, "(") && close[assign_open] < w.t.size()) {
            const std::size_t open = assign_open;
            std::size_t end = open + 1;
            for (int depth = 0; end < close[open]; ++end) {
                if (punct(end, "(") || punct(end, "[") || punct(end, "{")) ++depth;
                else if (punct(end, ")") || punct(end, "]") || punct(end, "}")) --depth;
                else if (punct(end, ",") && depth == 0) break;
            }
            const std::optional<std::string> target = end > open + 1 ? member_before(end) : std::nullopt;
            w.k = punct(end, ",") ? end + 1 : end;  // at the first source
            if (target) call("...", *target);
            continue;
        }
        // ['key']: value, and x['key'] = value.
        if (punct(w.k, "[") && w.k + 2 < w.t.size() && punct(w.k + 2, "]") && w.t[w.k + 1].kind != orm::TokenKind::Ident &&
            (punct(w.k + 3, ":") || punct(w.k + 3, "="))) {
            const bool assigned = punct(w.k + 3, "=");
            std::optional<std::string> name = literal_of(w.t[w.k + 1]);
            std::optional<std::string> parent = assigned ? member_before(w.k) : std::nullopt;
            w.k += 4;
            if (!name) continue;
            call(*name, assigned ? parent.value_or(std::string()) : stack.empty() ? std::string() : stack.back());
            continue;
        }
        // x.key = value: the member before is its parent.
        if (punct(w.k, ".") && w.k + 1 < w.t.size() && w.t[w.k + 1].kind == orm::TokenKind::Ident && punct(w.k + 2, "=")) {
            const std::string name = w.t[w.k + 1].text;
            const std::optional<std::string> parent = member_before(w.k);
            w.k += 3;
            call(name, parent.value_or(std::string()));
            continue;
        }
        std::optional<std::string> word;
        if (tok.kind == orm::TokenKind::String) {
            word = literal_of(tok);
        } else if (tok.kind == orm::TokenKind::Ident) {
            word = tok.text;
        } else {
            if (tok.kind == orm::TokenKind::Punct) {
                if (tok.text == "{") {
                    stack.push_back(key);
                    braces.push_back(w.k);
                    if (stack.size() > 256) return;  // deeper than any settings file
                } else if (tok.text == "}") {
                    if (!stack.empty()) stack.pop_back();
                    if (!braces.empty()) braces.pop_back();
                }
                if (tok.text == "{" || tok.text == "}" || tok.text == "," || tok.text == ";") key.clear();
            }
            ++w.k;
            continue;
        }
        ++w.k;
        if (!word) continue;
        if (w.is(":")) {
            ++w.k;
            call(*word, stack.empty() ? std::string() : stack.back());
        }
    }
}

// tool_dirs_js.cpp: the knex, TypeORM and node-pg-migrate settings in a JavaScript or JSON file.
void read_js(std::string_view path, std::string_view text, std::string_view tool, std::vector<ToolDir>& out,
             const std::string* run_folder = nullptr, bool seeds = false);

}  // namespace pgfence::analyze::tools::tool_dirs_detail
