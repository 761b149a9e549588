// The parts of the settings-module reader (settings_module.cpp) that its files share: what a name
// holds, the allowlists of settings_allowlist.cpp, and the Reader, whose statements are read in
// settings_module.cpp and whose expressions in settings_expressions.cpp. Internal to those files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/rebinding.hpp"
#include "analyze/migrations/env_files.hpp"

namespace pgfence::analyze::orm::settings_detail {

// How far modules are followed (as module_writes.cpp's loader), and how deep one expression nests.
constexpr int k_max_load_depth = 8;
constexpr std::size_t k_max_files = 128;
constexpr std::size_t k_max_bytes = 16u << 20;
constexpr int k_max_nesting = 200;

using Tokens = std::vector<Token>;

// What a name or an expression holds.
struct Ref {
    enum class Kind { Value, Package, Global, Function, Tool, Module } kind = Kind::Value;
    std::string package;  // Package: the package it came from ("path", "dotenv")
    std::string path;     // Global / Package: the dotted path read so far ("JSON.parse", "fs.existsSync")
    bool own = false;     // Value: an object this file made (a literal), which it may write to
    std::string made_by;  // Value: the allowlisted package whose call returned it (its methods keep that package's rule)
    bool returned = false;  // Value: what a function of this file returned, or a mix with the tool's object: maybe that object

    Ref() = default;
    explicit Ref(Kind k, std::string p = {}, std::string d = {}) : kind(k), package(std::move(p)), path(std::move(d)) {}
};

// Whether `r` is, or may be, the migration tool's own object.
inline bool maybe_tool(const Ref& r) { return r.kind == Ref::Kind::Tool || r.returned; }

struct Binding {
    Ref ref;
    bool declared_let = false;  // `let` / `var`: it may be assigned again
};

struct Failure {
    std::size_t offset = 0;
    std::string what;  // printable: what was not read
};

// Where a value is read: the key it is under (a function is allowed under some; settings_allowlist.cpp).
struct KeyContext {
    std::string key;
    bool in_log = false;  // the object under knex's `log` key
};

// The allowlists (settings_allowlist.cpp).
std::string shown(std::string_view s);
bool relative(std::string_view spec);
bool bare_package(std::string_view spec);
std::string package_name(std::string_view spec);
bool denied_package(std::string_view package);
enum class Allowed { No, Call, Builder };  // Builder: what it returns is a schema or reader whose methods compute (env-var, zod)
Allowed allowed_call(std::string_view package, std::string_view member);
bool allowed_new(std::string_view package, std::string_view member);
bool allowed_value(std::string_view package, std::string_view member);
std::string package_member(const Ref& r);
bool known_global(std::string_view name);
bool pure_global_call(std::string_view path);
bool constructible_global(std::string_view name);
bool process_member(std::string_view name);
bool pure_method(std::string_view name);
bool forbidden_member(std::string_view name);
bool function_key(const KeyContext& k);

class Files;

class Reader {
public:
    Reader(std::string_view text, std::string path, Files& files, int depth) : m_text(text), m_path(std::move(path)), m_files(files), m_depth(depth) {}
    std::vector<Failure> run();

private:
    struct Source {
        const Tokens* t;
        std::vector<std::size_t> close;
    };

    // Token tests on the current source.
    const Tokens& t() const { return *m_src->t; }
    std::size_t n() const { return t().size(); }
    bool is(std::size_t i, std::string_view s) const {
        return i < n() && (t()[i].kind == TokenKind::Ident || t()[i].kind == TokenKind::Punct) && t()[i].text == s;
    }
    bool ident(std::size_t i) const { return i < n() && t()[i].kind == TokenKind::Ident; }
    bool literal(std::size_t i) const {
        return i < n() && (t()[i].kind == TokenKind::String || t()[i].kind == TokenKind::Number || t()[i].kind == TokenKind::Regex);
    }
    std::size_t closer(std::size_t i) const { return i < n() ? std::min(m_src->close[i], n()) : n(); }
    // The plain names of the parameter list opening at `open` (a pattern's or a default's inside
    // skipped): a function declaration's and a function value's alike.
    void parameter_names(std::size_t open, std::vector<std::string>& params) const {
        const std::size_t pc = closer(open);
        for (std::size_t k = open + 1; k < pc; ++k) {
            if (is(k, "{") || is(k, "[") || is(k, "(")) k = closer(k);
            else if (ident(k) && (is(k - 1, "(") || is(k - 1, ",") || is(k - 1, "..."))) params.push_back(t()[k].text);
        }
    }
    std::size_t at(std::size_t i) const { return i < n() ? t()[i].begin : (n() > 0 ? t().back().end : 0); }
    bool newline_before(std::size_t i) const {
        if (i == 0 || i >= n()) return false;
        const std::size_t a = t()[i - 1].end, b = t()[i].begin;
        return b > a && b <= m_text.size() && m_text.substr(a, b - a).find('\n') != std::string_view::npos;
    }
    std::optional<std::string> constant(std::size_t i) const {
        if (i >= n()) return std::nullopt;
        if (t()[i].kind == TokenKind::String && !t()[i].unterminated) return t()[i].string.value;
        if (t()[i].kind == TokenKind::Template && !t()[i].unterminated && !t()[i].too_deep) {
            std::string s;
            for (const TemplatePart& p : t()[i].parts) {
                if (p.interpolation) return std::nullopt;
                s += p.text.value;
            }
            return s;
        }
        return std::nullopt;
    }

    bool fail(std::size_t i, std::string what) {
        if (!m_failed) m_failure = Failure{at(i), std::move(what)};
        m_failed = true;
        return false;
    }

    // Names.
    Binding* lookup(const std::string& name) {
        for (auto s = m_scopes.rbegin(); s != m_scopes.rend(); ++s) {
            if (auto it = s->find(name); it != s->end()) return &it->second;
        }
        return nullptr;
    }
    void bind(const std::string& name, Ref ref, bool let = false) { m_scopes.back()[name] = Binding{std::move(ref), let}; }
    // The scopes inside the file's own (a function's names), for a function read later.
    std::vector<std::map<std::string, Binding>> enclosing() const { return {m_scopes.begin() + 1, m_scopes.end()}; }

    // Statements.
    void statements(std::size_t i, std::size_t stop);
    bool statement(std::size_t& i, std::size_t stop);
    bool statement_end(std::size_t& i, std::size_t stop);
    std::size_t resync(std::size_t i, std::size_t stop) const;
    bool declaration(std::size_t& i, std::size_t stop);
    bool pattern(std::size_t& i, std::size_t stop, const Ref& from, bool let);
    bool import_declaration(std::size_t& i, std::size_t stop);
    bool export_declaration(std::size_t& i, std::size_t stop);
    bool function_declaration(std::size_t& i, std::size_t stop);
    bool class_declaration(std::size_t& i, std::size_t stop);
    bool decorators(std::size_t& i, std::size_t stop);
    bool assignment_or_expression(std::size_t& i, std::size_t stop);
    bool block_or_statement(std::size_t& i, std::size_t stop);
    void skip_type(std::size_t& i, std::size_t stop);
    bool skip_declare(std::size_t& i, std::size_t stop);

    // Expressions.
    bool expression(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out = nullptr);
    bool binary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out);
    bool unary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out);
    bool postfix(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out);
    bool primary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref& ref);
    bool arguments(std::size_t& i, const Ref& callee, const std::string& method);
    bool spread_in(std::size_t open) const;
    bool dotenv_path(std::size_t open);
    bool object_literal(std::size_t& i, const KeyContext& key);
    bool array_literal(std::size_t& i);
    bool template_literal(std::size_t i);
    bool function_value(std::size_t& i, std::size_t stop, const KeyContext& key, bool allowed);
    bool arrow_at(std::size_t i, std::size_t stop) const;
    bool load(std::size_t i, const std::string& spec);

    std::string_view m_text;
    std::string m_path;
    Files& m_files;
    int m_depth;
    int m_nesting = 0;
    Source* m_src = nullptr;
    std::vector<std::map<std::string, Binding>> m_scopes;
    bool m_failed = false;
    Failure m_failure;
    // Function bodies read after the file's statements, when every top-level name is bound:
    // (source, first token of the parameters, the body's bracket or first token, stop).
    struct Deferred {
        Source* src;
        std::vector<std::string> params;
        std::size_t body;
        std::size_t stop;
        bool expression_body;
        std::vector<std::map<std::string, Binding>> scopes;  // the enclosing function's names
    };
    std::vector<Deferred> m_deferred;
    std::vector<std::unique_ptr<Tokens>> m_owned;
    std::vector<std::unique_ptr<Source>> m_sources;
    std::vector<Failure> m_out;
    int m_function_depth = 0;
    std::size_t m_binding_at = std::size_t(-1);  // the first token of a declaration's value
    bool m_decorator = false;                     // reading a decorator's call
    bool m_env_result = false;                    // the call just read returns process.env (Object.assign's target)
    bool m_exporting = false;                     // reading `export const ...`: its names leave the file
};

// The modules followed, each read once.
class Files {
public:
    explicit Files(std::vector<std::string>* read) : m_read(read) {}
    // "" when the module at `file` reads as settings; otherwise why not.
    std::string check(const std::string& file, int depth) {
        if (auto known = m_done.find(file); known != m_done.end()) return known->second;
        m_done[file] = "";
        const std::string name = std::filesystem::path(file).filename().string();
        if (name.ends_with(".json")) return "";
        if (depth >= k_max_load_depth || m_count >= k_max_files || m_bytes >= k_max_bytes) {
            return m_done[file] = name + " is past pgfence's limit on following the modules a settings module loads";
        }
        auto text = read_limited(file, k_max_bytes - m_bytes);
        if (!text) return m_done[file] = name + " could not be read, or is past pgfence's limit on following modules";
        ++m_count;
        m_bytes += text->size();
        if (m_read && std::find(m_read->begin(), m_read->end(), file) == m_read->end()) m_read->push_back(file);
        Reader r(*text, file, *this, depth);
        const std::vector<Failure> failures = r.run();
        if (failures.empty()) return "";
        const int line = 1 + static_cast<int>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(std::min(failures.front().offset, text->size())), '\n'));
        return m_done[file] = "line " + std::to_string(line) + " of " + name + ": " + failures.front().what;
    }

private:
    std::vector<std::string>* m_read;
    std::map<std::string, std::string> m_done;
    std::size_t m_count = 0;
    std::size_t m_bytes = 0;
};

// One nesting level while it lives.
class Nest {
public:
    explicit Nest(int& n) : m_n(n) { ++m_n; }
    ~Nest() { --m_n; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

private:
    int& m_n;
};

}  // namespace pgfence::analyze::orm::settings_detail
