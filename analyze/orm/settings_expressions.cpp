// The settings-module reader's expressions (settings_module.cpp reads the statements): calls,
// arguments, dotenv's path, object, array and template literals, function values, primaries.
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

#include "analyze/orm/settings_module_detail.hpp"

namespace pgfence::analyze::orm::settings_detail {

bool Reader::arrow_at(std::size_t i, std::size_t stop) const {
    if (ident(i) && is(i + 1, "=>")) return true;
    if (is(i, "<")) {  // type parameters
        for (std::size_t k = i; k < stop && k < i + 64; ++k) {
            if (is(k, "(")) return arrow_at(k, stop);
        }
        return false;
    }
    if (!is(i, "(")) return false;
    std::size_t c = closer(i) + 1;
    if (is(c, ":")) {  // a return type
        int angle = 0;
        for (std::size_t k = c; k < stop && k < c + 256; ++k) {
            if (is(k, "=>")) return true;
            if (is(k, "<")) ++angle;
            if (is(k, ">")) --angle;
            if (is(k, ">>")) angle -= 2;
            if (is(k, ";") || (is(k, ",") && angle <= 0)) return false;
            if (is(k, "(") || is(k, "[") || is(k, "{")) k = closer(k);
        }
        return false;
    }
    return is(c, "=>");
}

// A function value at i: unknown unless `allowed` or under a key the tools call without SQL
// consequence; its body read after the file's statements.
bool Reader::function_value(std::size_t& i, std::size_t stop, const KeyContext& key, bool allowed) {
    const std::size_t begin = i;
    if (!allowed && !function_key(key)) {
        return fail(begin, key.key.empty() ? "a function the tool may call, which pgfence does not read as settings"
                                           : "a function under `" + shown(key.key) + "`: the tool may call it while it runs the migrations, and "
                                             "what it returns or does is not read");
    }
    if (is(i, "async")) ++i;
    std::vector<std::string> params;
    if (is(i, "function")) {
        ++i;
        if (is(i, "*")) return fail(i, "a generator function");
        if (ident(i)) ++i;
    }
    if (is(i, "<")) skip_type(i, stop);
    if (ident(i) && is(i + 1, "=>")) {
        params.push_back(t()[i].text);
        i += 2;
    } else if (is(i, "(")) {
        const std::size_t pc = closer(i);
        parameter_names(i, params);
        i = pc + 1;
        if (is(i, ":")) {
            while (i < stop && !is(i, "=>") && !is(i, "{")) i = (is(i, "(") || is(i, "[")) ? closer(i) + 1 : i + 1;
            if (is(i, "{") && !is(i - 1, ":") && !is(i - 1, "=>")) {
                // `): { a: string } =>` — the brace was the type: step over it
            }
        }
        if (is(i, "=>")) ++i;
    } else {
        return fail(i, "a function pgfence does not read");
    }
    if (is(i, "{")) {
        m_deferred.push_back(Deferred{m_src, params, i, closer(i), false, enclosing()});
        i = closer(i) + 1;
        return true;
    }
    // An expression body: to where the expression ends (read later, with its parameters bound).
    std::size_t e = i;
    {
        // Find the end without reading: a `,` `;` or closer at this depth, or a new line after an operand.
        while (e < stop && !is(e, ",") && !is(e, ";") && !is(e, ")") && !is(e, "]") && !is(e, "}")) {
            if (e > i && newline_before(e) && ident(e) && (ident(e - 1) || literal(e - 1) || is(e - 1, ")") || is(e - 1, "]") || is(e - 1, "}"))) break;
            e = (is(e, "(") || is(e, "[") || is(e, "{")) ? closer(e) + 1 : e + 1;
        }
    }
    m_deferred.push_back(Deferred{m_src, params, i, e, true, enclosing()});
    i = e;
    return true;
}

bool Reader::expression(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out) {
    Nest nest(m_nesting);
    if (m_nesting > k_max_nesting) return fail(i, "an expression nested past pgfence's limit");
    Ref ref;
    if (!binary(i, stop, key, &ref)) return false;
    if (is(i, "?") && i < stop) {
        ++i;
        Ref yes, no;
        if (!expression(i, stop, key, &yes)) return false;
        if (!is(i, ":")) return fail(i, "a conditional pgfence does not read");
        ++i;
        if (!expression(i, stop, key, &no)) return false;
        ref = Ref(Ref::Kind::Value);
        ref.returned = maybe_tool(yes) || maybe_tool(no);
    }
    if (out) *out = ref;
    return true;
}

bool Reader::binary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out) {
    static const std::set<std::string_view> k_ops = {"??", "||", "&&", "===", "!==", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%",
                                                     "**", "|", "&", "^", "<<", ">>", ">>>", "instanceof", "in"};
    Ref ref;
    if (!unary(i, stop, key, &ref)) return false;
    bool combined = false;
    bool tool = maybe_tool(ref);
    while (i < stop) {
        if (is(i, "as") || is(i, "satisfies")) {
            skip_type(i, stop);
            continue;
        }
        if (i < n() && k_ops.contains(t()[i].text) && t()[i].kind != TokenKind::String && !(ident(i) && !(is(i, "instanceof") || is(i, "in")))) {
            ++i;
            // `a || (() => ...)` keeps the key's function rule; a value either side, which may be the
            // tool's object (`(x || dataSource).query(...)`).
            Ref other;
            if (!unary(i, stop, key, &other)) return false;
            tool = tool || maybe_tool(other);
            combined = true;
            continue;
        }
        break;
    }
    if (combined) {
        ref = Ref(Ref::Kind::Value);
        ref.returned = tool;
    }
    if (out) *out = ref;
    return true;
}

bool Reader::unary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out) {
    Nest nest(m_nesting);
    if (m_nesting > k_max_nesting) return fail(i, "an expression nested past pgfence's limit");
    if (is(i, "typeof") && ident(i + 1) && !is(i + 2, ".") && !is(i + 2, "[") && !is(i + 2, "(") && !is(i + 2, "?.")) {
        i += 2;  // `typeof process`: a name's type, nothing read from it
        if (out) *out = Ref(Ref::Kind::Value);
        return true;
    }
    if (is(i, "delete") && is(i + 1, "process") && is(i + 2, ".") && is(i + 3, "env") && (is(i + 4, ".") || is(i + 4, "["))) {
        ++i;  // `delete process.env.X`: the environment the settings read, as an assignment to it
        return postfix(i, stop, key, out);
    }
    if (is(i, "await")) {
        // What it waits for: the tool's object stays that object (`(await ds).query(...)`).
        ++i;
        Ref awaited;
        if (!unary(i, stop, key, &awaited)) return false;
        if (out) {
            *out = Ref(Ref::Kind::Value);
            out->returned = maybe_tool(awaited);
        }
        return true;
    }
    if (is(i, "!") || is(i, "-") || is(i, "+") || is(i, "~") || is(i, "typeof") || is(i, "void")) {
        ++i;
        if (!unary(i, stop, key, nullptr)) return false;
        if (out) *out = Ref(Ref::Kind::Value);
        return true;
    }
    if (is(i, "delete") || is(i, "++") || is(i, "--")) return fail(i, "a write pgfence does not read (`" + t()[i].text + "`)");
    if (is(i, "<") && !arrow_at(i, stop)) {  // an old-style TypeScript cast `<T>x`
        std::size_t k = i;
        skip_type(k, stop);
        i = k;
    }
    return postfix(i, stop, key, out);
}

bool Reader::postfix(std::size_t& i, std::size_t stop, const KeyContext& key, Ref* out) {
    Ref ref;
    const std::size_t begin = i;
    if (!primary(i, stop, key, ref)) return false;
    std::string last;  // the last member's name
    while (i < stop) {
        if ((is(i, ".") || is(i, "?.")) && i + 1 < n() && (ident(i + 1) || t()[i + 1].kind == TokenKind::Punct)) {
            if (is(i, "?.") && (is(i + 1, "(") || is(i + 1, "["))) {
                ++i;
                continue;
            }
            const std::string name = t()[i + 1].text;
            if (forbidden_member(name)) return fail(i + 1, "a read of `" + shown(name) + "`, which reaches code or another object's prototype");
            if (ref.kind == Ref::Kind::Global && ref.path == "process" && !process_member(name)) {
                return fail(i + 1, "`process." + shown(name) + "`, which is not a setting");
            }
            if (ref.kind == Ref::Kind::Global && (ref.path == "module") && name != "exports") return fail(i + 1, "`module." + shown(name) + "`");
            if (ref.kind == Ref::Kind::Package || ref.kind == Ref::Kind::Global) ref.path += "." + name;
            if (ref.kind == Ref::Kind::Function) return fail(i + 1, "a member of a function");
            last = name;
            i += 2;
            continue;
        }
        if (is(i, "!") && !is(i + 1, "=") && !is(i + 1, "==")) {  // TypeScript's non-null assertion
            if (i + 1 >= stop || is(i + 1, ".") || is(i + 1, "[") || is(i + 1, ")") || is(i + 1, ",") || is(i + 1, ";") || is(i + 1, "}") ||
                is(i + 1, "]") || is(i + 1, "?") || is(i + 1, ":") || newline_before(i + 1)) {
                ++i;
                continue;
            }
            break;
        }
        if (is(i, "[")) {
            const std::size_t c = closer(i);
            if (auto k = constant(i + 1); k && c == i + 2) {
                if (forbidden_member(*k)) return fail(i + 1, "a read of `" + shown(*k) + "`, which reaches code or another object's prototype");
                if (ref.kind == Ref::Kind::Global && ref.path == "process" && !process_member(*k)) return fail(i, "a member of `process` that is not a setting");
                if (ref.kind == Ref::Kind::Package || ref.kind == Ref::Kind::Global) ref.path += "." + *k;
                last = *k;
            } else {
                if (ref.kind == Ref::Kind::Global && ref.path != "process.env") return fail(i, "a computed member of `" + shown(ref.path) + "`");
                if (ref.kind == Ref::Kind::Package || ref.kind == Ref::Kind::Tool) return fail(i, "a computed member of a package's value");
                std::size_t e = i + 1;
                if (!expression(e, c, {})) return false;
                std::string made_by = ref.made_by;
                const bool returned = ref.returned;
                ref = Ref(Ref::Kind::Value);
                ref.made_by = std::move(made_by);
                ref.returned = returned;
                last.clear();
            }
            i = c + 1;
            continue;
        }
        if (is(i, "(")) {
            m_env_result = false;
            if (!arguments(i, ref, last)) return false;
            // What a call returns: a value, which keeps the rule of the allowlisted package that made it.
            // The tool's accessors (arguments: getRepository) return its own objects; a function
            // of this file may return the tool's object (`const f = () => ds; f().query(...)`).
            if (ref.kind == Ref::Kind::Tool) {
                last.clear();
                continue;
            }
            const bool returned = ref.kind == Ref::Kind::Function || ref.returned;
            std::string made_by = ref.kind == Ref::Kind::Package ? ref.package : ref.kind == Ref::Kind::Value ? ref.made_by : std::string();
            ref = m_env_result ? Ref(Ref::Kind::Global, "", "process.env") : Ref(Ref::Kind::Value);
            ref.made_by = std::move(made_by);
            ref.returned = returned && !m_env_result;
            m_env_result = false;
            last.clear();
            continue;
        }
        if (i < n() && t()[i].kind == TokenKind::Template && !newline_before(i)) return fail(i, "a tagged template, a call pgfence does not read");
        break;
    }
    // A driver's package or a global that reaches code, handed on as a value (to a function, into
    // an object): what receives it is not read for what it calls. Bound to a name it stays seen.
    if (ref.kind == Ref::Kind::Package && denied_package(ref.package) && begin != m_binding_at) {
        return fail(begin, "'" + shown(ref.package) + "' (a database driver, or a way to run programs) handed on as a value");
    }
    // Any other package's object or function handed on is called where pgfence does not look
    // (`[require('umzug')].forEach(...)`, an export a knexfile imports): only the allowlisted ones.
    if (ref.kind == Ref::Kind::Package && begin != m_binding_at && !m_decorator && !allowed_value(ref.package, package_member(ref))) {
        return fail(begin, "`" + shown(ref.path) + "` of '" + shown(ref.package) + "' handed on as a value, which is not one of the functions pgfence "
                           "lets a settings module call (docs/security.md)");
    }
    if (ref.kind == Ref::Kind::Global && ref.path.find('.') == std::string::npos && ref.path != "Number" && ref.path != "String" &&
        ref.path != "Boolean" && ref.path != "parseInt" && ref.path != "parseFloat" && ref.path != "JSON" && ref.path != "Math" && ref.path != "console") {
        return fail(begin, "`" + shown(ref.path) + "` handed on as a value" +
                               std::string(ref.path == "require" ? " (what is loaded through it is not followed)" : ""));
    }
    if (ref.kind == Ref::Kind::Function && !function_key(key) && !(i < stop && is(i, "("))) {
        return fail(begin, key.key.empty() ? "a function handed on as a value, which pgfence does not read as settings"
                                           : "a function under `" + shown(key.key) + "`: the tool may call it while it runs the migrations, and "
                                             "what it returns or does is not read");
    }
    if (out) *out = ref;
    return true;
}

// A call of `callee` (whose last member is `method`) with the arguments at i.
bool Reader::arguments(std::size_t& i, const Ref& callee, const std::string& method) {
    const std::size_t open = i;
    const std::size_t c = closer(i);
    bool callbacks = false;  // functions among the arguments are read (array methods, pg's type parsers)
    bool env_target = false;  // Object.assign: is its first argument process.env?
    bool expand = false;      // dotenv-expand's expand: its argument must be what dotenv read
    switch (callee.kind) {
        case Ref::Kind::Global:
            // process.env.X.split(','), process.argv.includes('--x'): a string's or an array's method.
            if (callee.path.starts_with("process.") && pure_method(method) && callee.path.find('.', 8) != std::string::npos) {
                callbacks = true;
                break;
            }
            if (!pure_global_call(callee.path)) return fail(open, "a call of `" + shown(callee.path) + "`, which is not a settings function");
            // Object.assign(process.env, {...}): writes to the environment, read key by key (red team R80 L2).
            if (callee.path == "Object.assign") env_target = true;
            break;
        case Ref::Kind::Package: {
            const std::string& p = callee.package;
            const std::string member = callee.path.size() > p.size() ? callee.path.substr(p.size() + 1) : std::string();
            if ((p == "pg" || p == "pg-types") && callee.path.ends_with("setTypeParser")) {
                callbacks = true;  // node-postgres's result parsing (a value from a row, never SQL)
                break;
            }
            // A decorator of a package (TypeORM's @Entity(), @Column(), @ManyToOne(() => User)):
            // metadata the package records when the class is defined (typeorm src/decorator/*:
            // getMetadataArgsStorage().*.push), no SQL; its functions' bodies are read.
            if (m_decorator) {
                callbacks = true;
                break;
            }
            if (denied_package(p)) return fail(open, "a call into '" + shown(p) + "' (a database driver, or a way to run programs or code)");
            if (allowed_call(p, member) == Allowed::No) {
                return fail(open, "a call of `" + shown(callee.path) + "`, which is not one of the functions pgfence lets a settings module call "
                                  "(docs/security.md): what '" + shown(p) + "' runs there is not read");
            }
            // dotenv-expand's expand(options) writes options.parsed into process.env: only what dotenv read.
            if (p == "dotenv-expand") expand = true;
            if ((p == "dotenv" || p == "@dotenvx/dotenvx") && member.ends_with("onfig") && is(open + 1, "{") && !dotenv_path(open + 1)) return false;
            break;
        }
        case Ref::Kind::Function:
            break;  // the file's own function, whose body is read
        case Ref::Kind::Value:
            if (callee.returned && !method.empty() && !pure_method(method)) {
                return fail(open, "a call of `." + shown(method) + "` on what a function of this file returned, which may be the migration "
                                  "tool's own object");
            }
            // What an allowlisted package returned keeps the package's rule: a string's or an
            // array's methods, or a builder's (env-var, zod); nothing else is called on it.
            if (!callee.made_by.empty()) {
                const bool builder = allowed_call(callee.made_by, "get") == Allowed::Builder || callee.made_by == "envalid" || callee.made_by == "zod";
                if (!method.empty() && pure_method(method)) callbacks = true;
                else if (!builder) {
                    return fail(open, "a call of " + (method.empty() ? std::string("a value") : "`." + shown(method) + "` on a value") + " '" +
                                          shown(callee.made_by) + "' returned, which pgfence does not read as settings");
                }
                break;
            }
            if (method.empty() || pure_method(method)) {
                callbacks = !method.empty();
                break;
            }
            // An object this file made holds only what its literal wrote: a method other than the
            // pure ones changes it (push, splice, sort, ...), and the settings read from the literal
            // would not be what the tool sees (red team R82a B1).
            if (callee.own) {
                return fail(open, "a call of `." + shown(method) + "` on an object this file made, which may change it after the "
                                  "settings pgfence read from its literal");
            }
            // A method of a value a followed module made: the followed module's functions are read
            // under this rule.
            break;
        case Ref::Kind::Tool:
            // An accessor that sends no SQL and returns the tool's own objects (kept as the tool's:
            // postfix): DataSource.getRepository -> EntityManager.getRepository makes a Repository
            // (typeorm src/data-source/DataSource.ts, src/entity-manager/EntityManager.ts).
            if (method == "getRepository" || method == "getTreeRepository") break;
            return fail(open, "a call of the migration tool's own object (`" + shown(method) + "`), which runs what pgfence does not read as settings");
        case Ref::Kind::Module:
            break;
    }
    for (std::size_t k = open + 1; k < c;) {
        if (is(k, ",")) {
            ++k;
            continue;
        }
        if (is(k, "...")) ++k;
        const bool function = is(k, "function") || (is(k, "async") && (is(k + 1, "function") || arrow_at(k + 1, c))) || arrow_at(k, c);
        if (function) {
            if (!callbacks) return fail(k, "a function passed to a call, which runs code pgfence does not read as settings");
            if (!function_value(k, c, {}, true)) return false;
            continue;
        }
        Ref arg;
        const std::size_t arg_at = k;
        if (env_target && arg_at > open + 1 && (!is(arg_at, "{") || spread_in(arg_at))) {
            // Into process.env: only an object literal, whose keys (each a literal; a computed key is
            // unknown in object_literal) are read as `process.env.KEY = value` is.
            return fail(arg_at, "an Object.assign into process.env from a value whose keys pgfence does not read");
        }
        if (!expression(k, c, callbacks ? KeyContext{"(callback)", false} : KeyContext{}, &arg)) return false;
        if (arg_at == open + 1 && env_target) env_target = arg.kind == Ref::Kind::Global && arg.path == "process.env";
        if (expand && !(arg.kind == Ref::Kind::Value && (arg.made_by == "dotenv" || arg.made_by == "@dotenvx/dotenvx"))) {
            return fail(arg_at, "dotenv-expand's expand() of a value dotenv did not read: it writes its keys into process.env");
        }
        if (arg.kind == Ref::Kind::Tool) return fail(arg_at, "the migration tool's own object handed to a call");
        if (arg.returned && callee.kind == Ref::Kind::Function && callee.path != "new") {
            return fail(arg_at, "what a function of this file returned, which may be the migration tool's own object, handed to another of its functions");
        }
        if (!is(k, ",") && k < c) return fail(k, "an argument pgfence does not read");
    }
    m_env_result = env_target;  // Object.assign returns its first argument
    i = c + 1;
    return true;
}

// dotenv's config({ path }) loads that file into process.env (dotenv lib/main.js _configDotenv):
// pgfence reads the variables it judges from the dotenv files by name (.env, .env.<x>, <x>.env;
// migrations/env_files.hpp), so the file must be one. Each string in the path's value is such a
// name, or a folder piece followed by another piece (`path.resolve(__dirname, '..', '.env')`, a
// ternary of names, an array of them); a value with no string, or indexed, is not known.
bool Reader::dotenv_path(std::size_t open) {
    const std::size_t c = closer(open);
    for (std::size_t k = open + 1; k < c; k = (is(k, "(") || is(k, "[") || is(k, "{")) ? closer(k) + 1 : k + 1) {
        if (!(is(k, "path") || (k < n() && t()[k].kind == TokenKind::String && t()[k].string.value == "path")) || !(is(k - 1, "{") || is(k - 1, ","))) continue;
        if (!is(k + 1, ":")) return fail(k, "dotenv's `path`, a file pgfence does not know");
        std::size_t e = k + 2;
        while (e < c && !is(e, ",")) e = (is(e, "(") || is(e, "[") || is(e, "{")) ? closer(e) + 1 : e + 1;
        bool any = false;
        for (std::size_t m = k + 2; m < e; ++m) {
            if (is(m, "[") && (is(m - 1, "]") || is(m - 1, ")") || ident(m - 1) || (m > 0 && t()[m - 1].kind == TokenKind::String))) {
                return fail(m, "dotenv's `path` picked by an index, a file pgfence does not know");
            }
            // Not a piece of the path: a module's name (`require('path')`), a comparison's operand (`NODE_ENV === 'test' ? ...`).
            auto comparison = [&](std::size_t x) { return is(x, "===") || is(x, "!==") || is(x, "==") || is(x, "!="); };
            if ((is(m - 1, "(") && (is(m - 2, "require") || is(m - 2, "import"))) || comparison(m - 1) || comparison(m + 1)) continue;
            std::string text;
            if (t()[m].kind == TokenKind::String) text = t()[m].string.value;
            else if (t()[m].kind == TokenKind::Template) {
                for (const TemplatePart& part : t()[m].parts) text += part.interpolation ? std::string("x") : part.text.value;
            } else continue;
            any = true;
            const std::string_view last = std::string_view(text).substr(text.find_last_of('/') == std::string::npos ? 0 : text.find_last_of('/') + 1);
            const bool folder = (last == "." || last == ".." || last.find('.') == std::string_view::npos) && is(m + 1, ",") && m + 2 < e &&
                                !is(m + 2, ")") && !is(m + 2, "]");
            if (!folder && !tools::dotenv_name(text)) {
                return fail(m, "dotenv's `path` '" + shown(text) + "', a file pgfence does not read as a dotenv file: what it sets in process.env is not known");
            }
        }
        if (!any) return fail(k, "dotenv's `path` computed, a file pgfence does not know: what it sets in process.env is not known");
    }
    return true;
}

bool Reader::spread_in(std::size_t open) const {
    const std::size_t c = closer(open);
    for (std::size_t k = open + 1; k < c; k = (is(k, "(") || is(k, "[") || is(k, "{")) ? closer(k) + 1 : k + 1) {
        if (is(k, "...")) return true;
    }
    return false;
}

bool Reader::template_literal(std::size_t i) {
    const Token& tk = t()[i];
    if (tk.too_deep || tk.unterminated) return fail(i, "a template pgfence does not read to its end");
    for (const TemplatePart& p : tk.parts) {
        if (!p.interpolation) continue;
        auto tokens = std::make_unique<Tokens>(lex_js(m_text, p.expr_begin, p.expr_end));
        auto src = std::make_unique<Source>(Source{tokens.get(), closing_brackets(*tokens)});
        Source* saved = m_src;
        m_src = src.get();
        m_owned.push_back(std::move(tokens));
        m_sources.push_back(std::move(src));
        std::size_t k = 0;
        bool ok = n() == 0 || expression(k, n(), {});
        if (ok && k < n()) ok = fail(k, "a template's `${}` pgfence does not read");
        m_src = saved;
        if (!ok) {
            m_failure.offset = std::max(m_failure.offset, tk.begin);
            return false;
        }
    }
    return true;
}

bool Reader::object_literal(std::size_t& i, const KeyContext& outer) {
    const std::size_t c = closer(i);
    for (std::size_t k = i + 1; k < c;) {
        if (is(k, ",")) {
            ++k;
            continue;
        }
        if (is(k, "...")) {
            ++k;
            Ref spread;
            if (!expression(k, c, {}, &spread)) return false;
            continue;
        }
        if ((is(k, "get") || is(k, "set")) && !is(k + 1, ":") && !is(k + 1, "(") && !is(k + 1, ",") && !is(k + 1, "}")) {
            return fail(k, "a getter or setter, which runs code each time the tool reads or writes the key");
        }
        bool method_prefix = false;
        if (is(k, "async") && !is(k + 1, ":") && !is(k + 1, "(") && !is(k + 1, ",")) {
            ++k;
            method_prefix = true;
        }
        if (is(k, "*")) return fail(k, "a generator method");
        std::string key;
        const std::size_t key_at = k;
        if (ident(k)) key = t()[k].text;
        else if (k < n() && (t()[k].kind == TokenKind::String || t()[k].kind == TokenKind::Number)) key = t()[k].kind == TokenKind::String ? t()[k].string.value : t()[k].text;
        else if (is(k, "[")) {
            auto lit = constant(k + 1);
            if (!(lit && closer(k) == k + 2) && !(k + 1 < n() && t()[k + 1].kind == TokenKind::Number && closer(k) == k + 2)) {
                return fail(k, "a computed key, which pgfence does not read: the setting it names is not known");
            }
            key = lit ? *lit : t()[k + 1].text;
            k += 2;
        } else {
            return fail(k, "an object member pgfence does not read");
        }
        if (key == "__proto__") return fail(key_at, "a `__proto__` key, which sets the object's prototype");
        ++k;
        if (is(k, "?")) ++k;
        KeyContext inner{key, outer.key == "log"};
        if (is(k, "(") || is(k, "<")) {  // a method
            if (!function_value(k, c, inner, false)) return false;
            continue;
        }
        if (method_prefix) return fail(key_at, "an object member pgfence does not read");
        if (is(k, ":")) {
            ++k;
            const bool function = is(k, "function") || (is(k, "async") && (is(k + 1, "function") || arrow_at(k + 1, c))) || arrow_at(k, c);
            if (function) {
                if (!function_value(k, c, inner, false)) return false;
            } else {
                Ref v;
                if (!expression(k, c, inner, &v)) return false;
                if (v.kind == Ref::Kind::Function && !function_key(inner)) {
                    return fail(key_at, "a function under `" + shown(key) + "`: the tool may call it while it runs the migrations, and what it returns or does is not read");
                }
            }
            continue;
        }
        // shorthand `{ a }`
        if (is(key_at + 1, ",") || is(key_at + 1, "}") || key_at + 1 == c) {
            Binding* b = lookup(key);
            if (!b && !known_global(key)) return fail(key_at, "`" + shown(key) + "`, a name this file does not bind");
            if (b && b->ref.kind == Ref::Kind::Package && !allowed_value(b->ref.package, package_member(b->ref))) {
                return fail(key_at, "`" + shown(b->ref.path) + "` of '" + shown(b->ref.package) + "' handed on as a value, which is not one of the "
                                    "functions pgfence lets a settings module call (docs/security.md)");
            }
            if (b && b->ref.kind == Ref::Kind::Function && !function_key(inner)) {
                return fail(key_at, "a function under `" + shown(key) + "`: the tool may call it while it runs the migrations, and what it returns or does is not read");
            }
            continue;
        }
        return fail(k, "an object member pgfence does not read");
    }
    i = c + 1;
    return true;
}

bool Reader::array_literal(std::size_t& i) {
    const std::size_t c = closer(i);
    for (std::size_t k = i + 1; k < c;) {
        if (is(k, ",")) {
            ++k;
            continue;
        }
        if (is(k, "...")) ++k;
        Ref v;
        if (!expression(k, c, {}, &v)) return false;
        if (v.kind == Ref::Kind::Function) return fail(k, "a function in an array, which the tool may call");
        if (k < c && !is(k, ",")) return fail(k, "an array element pgfence does not read");
    }
    i = c + 1;
    return true;
}

bool Reader::primary(std::size_t& i, std::size_t stop, const KeyContext& key, Ref& ref) {
    if (i >= stop) return fail(i, "an expression that ends early");
    const Token& tk = t()[i];
    ref = Ref(Ref::Kind::Value);
    if (tk.kind == TokenKind::String || tk.kind == TokenKind::Number || tk.kind == TokenKind::Regex) {
        ++i;
        return true;
    }
    if (tk.kind == TokenKind::Template) {
        if (!template_literal(i)) return false;
        ++i;
        return true;
    }
    if (is(i, "(")) {
        if (arrow_at(i, stop)) return function_value(i, stop, key, false);
        const std::size_t c = closer(i);
        std::size_t k = i + 1;
        if (!expression(k, c, key, &ref)) return false;
        while (is(k, ",")) {
            ++k;
            if (!expression(k, c, key, &ref)) return false;
        }
        if (k != c) return fail(k, "a parenthesised expression pgfence does not read");
        i = c + 1;
        return true;
    }
    if (is(i, "{")) return object_literal(i, key);
    if (is(i, "[")) return array_literal(i);
    if (is(i, "<") && arrow_at(i, stop)) return function_value(i, stop, key, false);
    if (!ident(i)) return fail(i, "`" + shown(tk.text) + "`, which pgfence does not read as settings");
    const std::string& w = tk.text;
    if (w == "true" || w == "false" || w == "null" || w == "undefined" || w == "NaN" || w == "Infinity") {
        ++i;
        return true;
    }
    if (w == "function" || (w == "async" && (is(i + 1, "function") || arrow_at(i + 1, stop))) || arrow_at(i, stop)) {
        return function_value(i, stop, key, false);
    }
    if ((w == "require" || w == "import") && is(i + 1, "(")) {
        auto spec = constant(i + 2);
        if (!spec || !is(i + 3, ")")) return fail(i, "a load of a module by a computed name, which pgfence does not follow");
        if (!load(i + 2, *spec)) return false;
        if (bare_package(*spec) || spec->starts_with("node:")) ref = Ref(Ref::Kind::Package, package_name(*spec), package_name(*spec));
        else ref = Ref(Ref::Kind::Value);
        i += 4;
        return true;
    }
    if (w == "new") {
        ++i;
        Ref cls;
        std::size_t k = i;
        if (!ident(k)) return fail(k, "a construction pgfence does not read");
        std::string path = t()[k].text;
        ++k;
        while (is(k, ".") && ident(k + 1)) {
            path += "." + t()[k + 1].text;
            k += 2;
        }
        const std::string root = t()[i].text;
        Binding* b = lookup(root);
        if (is(k, "<")) skip_type(k, stop);
        Ref made(Ref::Kind::Value);
        if (b && b->ref.kind == Ref::Kind::Package) {
            const std::string full = b->ref.path + path.substr(root.size());
            // TypeORM's DataSource (typeorm src/data-source/DataSource.ts): its constructor keeps the
            // options; the CLI loads the module and reads them (CommandUtils.loadDataSource).
            if (b->ref.package == "typeorm" && (full == "typeorm.DataSource" || full == "typeorm.default.DataSource")) made = Ref(Ref::Kind::Tool);
            else if (denied_package(b->ref.package)) return fail(i, "a `new " + shown(path) + "` of '" + shown(b->ref.package) + "' (a database driver, or a way to run programs)");
            else if (!allowed_new(b->ref.package, full.size() > b->ref.package.size() ? full.substr(b->ref.package.size() + 1) : std::string())) {
                return fail(i, "a `new " + shown(path) + "` of '" + shown(b->ref.package) + "', which is not one of the classes pgfence lets a settings "
                               "module make (docs/security.md): what its constructor runs is not read");
            }
            else made.made_by = b->ref.package;
        } else if (!b && constructible_global(path)) {
        } else {
            return fail(i, "a `new " + shown(path) + "`, which runs code pgfence does not read as settings");
        }
        i = k;
        if (is(i, "(")) {
            Ref callee{Ref::Kind::Function, "", "new"};  // a constructor's arguments: as a function's
            if (!arguments(i, callee, "")) return false;
        }
        ref = made;
        return true;
    }
    if (w == "this" && m_function_depth > 0) {  // a method's own object (read when the method is)
        ref = Ref(Ref::Kind::Value);
        ++i;
        return true;
    }
    if (w == "this" || w == "super" || w == "class" || w == "yield" || w == "eval" || w == "arguments") {
        return fail(i, "`" + w + "`, which pgfence does not read as settings");
    }
    // An ES module's own URL (`import.meta.url`, `.dirname`): its __dirname (automatisch's knexfile).
    if (w == "import" && is(i + 1, ".") && is(i + 2, "meta")) {
        ref = Ref(Ref::Kind::Value);
        i += 3;
        return true;
    }
    if (Binding* b = lookup(w)) {
        ref = b->ref;
        if (ref.kind == Ref::Kind::Function && !is(i + 1, "(") && !function_key(key)) {
            // A function's name as a value: only where a function may be (a key the tools call safely).
            ref.kind = Ref::Kind::Function;
        }
        ++i;
        return true;
    }
    if (known_global(w)) {
        ref = Ref(Ref::Kind::Global, "", w);
        if (w == "__dirname" || w == "__filename" || w == "exports") ref = Ref(Ref::Kind::Value);
        ++i;
        return true;
    }
    return fail(i, "`" + shown(w) + "`, a name this file does not bind");
}

}  // namespace pgfence::analyze::orm::settings_detail
