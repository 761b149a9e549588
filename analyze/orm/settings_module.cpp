#include "analyze/orm/settings_module.hpp"

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

namespace pgfence::analyze::orm {
namespace {

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

    Ref() = default;
    explicit Ref(Kind k, std::string p = {}, std::string d = {}) : kind(k), package(std::move(p)), path(std::move(d)) {}
};

struct Binding {
    Ref ref;
    bool declared_let = false;  // `let` / `var`: it may be assigned again
};

struct Failure {
    std::size_t offset = 0;
    std::string what;  // printable: what was not read
};

std::string shown(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 60)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    return out + (s.size() > 60 ? "..." : "");
}

bool relative(std::string_view spec) { return spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".."; }

bool bare_package(std::string_view spec) {
    return !spec.empty() && (std::isalnum(static_cast<unsigned char>(spec[0])) ||
                             (spec.size() > 1 && spec[0] == '@' && std::isalnum(static_cast<unsigned char>(spec[1]))));
}

std::string package_name(std::string_view spec) {
    if (spec.starts_with("node:")) spec.remove_prefix(5);
    return std::string(package_of(spec));
}

// Packages whose exports pgfence does not call in a settings module: a database driver or a way to
// run programs (escapes.hpp driver_module), Node's ways to run code or open connections.
bool denied_package(std::string_view package) {
    static const std::set<std::string_view> k_denied = {"vm", "v8", "inspector", "http", "https", "http2", "dgram", "cluster", "repl",
                                                        "dns", "process", "async_hooks", "perf_hooks", "wasi", "trace_events"};
    // Packages that change what require() loads, so that `require('knex')` may be a repository
    // file, or that load and compile files themselves: module-alias's addAlias, tsconfig-paths'
    // register({ paths }), @babel/register's plugins, pirates' addHook, jiti, proxyquire, ...
    static const std::set<std::string_view> k_loaders = {"module-alias", "tsconfig-paths", "@babel/register", "pirates", "jiti",
                                                         "proxyquire", "mock-require", "rewire", "require-in-the-middle",
                                                         "import-in-the-middle", "esm", "app-module-path", "require-from-string"};
    return driver_module(package) || k_denied.contains(package) || k_loaders.contains(package);
}

// The packages a settings module may call, and which of their functions: each computes a value
// from its arguments or reads settings (the environment, a file, a URL), and nothing it returns
// opens a connection, runs a migration or a program, or changes what require() loads. Any other
// package's call, `new` or function handed on is unknown (red team R80 L1: node-pg-migrate's
// runner, db-migrate, umzug, postgrator, tinyexec, ts-node's register, ... were allowed when the
// rule was a deny list). Taken from what real settings modules call: the knexfiles, data sources,
// config.js and .sequelizerc of planka, outline, automatisch, alga, kutt, daily-api and others use
// path, url, fs reads, dotenv (and @dotenvx/dotenvx), lodash's snakeCase, uuid's validate,
// objection's knexSnakeCaseMappers, typeorm's DataSource and typeorm-naming-strategies.
enum class Allowed { No, Call, Builder };  // Builder: what it returns is a schema or reader whose methods compute (env-var, zod)
Allowed allowed_call(std::string_view package, std::string_view member) {
    if (member.starts_with("default.")) member.remove_prefix(8);
    const std::string_view fn = member.substr(member.rfind('.') == std::string_view::npos ? 0 : member.rfind('.') + 1);
    auto one_of = [&](std::initializer_list<std::string_view> names) {
        return std::find(names.begin(), names.end(), member) != names.end() ? Allowed::Call : Allowed::No;
    };
    if (package == "path") return Allowed::Call;  // node lib/path.js: string functions only
    if (package == "url") return one_of({"fileURLToPath", "pathToFileURL", "parse", "format", "resolve", "domainToASCII", "domainToUnicode"});
    if (package == "os") {  // reads of the machine, never os.setPriority
        return one_of({"hostname", "homedir", "tmpdir", "platform", "type", "release", "arch", "cpus", "totalmem", "freemem", "userInfo",
                       "endianness", "availableParallelism", "machine", "version", "networkInterfaces", "loadavg", "uptime"});
    }
    if (package == "util") return one_of({"format", "inspect", "isDeepStrictEqual"});
    if (package == "fs" || package == "graceful-fs" || package == "fs-extra") {  // only what reads
        static const std::set<std::string_view> k_reads = {"existsSync", "readFileSync", "readdirSync", "statSync", "lstatSync", "realpathSync",
                                                           "accessSync", "readJsonSync", "pathExistsSync"};
        return k_reads.contains(fn) ? Allowed::Call : Allowed::No;
    }
    // dotenv lib/main.js: config() reads a dotenv file (by default .env) into process.env and
    // returns { parsed }; parse() reads a string. Not populate(target, parsed): it writes any keys
    // into any object. config's `path` is checked in arguments() (dotenv_path).
    if (package == "dotenv" || package == "@dotenvx/dotenvx") return one_of({"config", "configDotenv", "parse"});
    if (package == "dotenv-expand") return one_of({"expand"});  // (its argument: what dotenv read, see arguments())
    if (package == "pg-connection-string") return one_of({"parse", "parseIntoClientConfig", "toClientConfig"});
    if (package == "uuid") return one_of({"v1", "v3", "v4", "v5", "v6", "v7", "validate", "version", "parse", "stringify"});
    if (package == "lodash") {  // string and read-only object functions (not merge, set, defaults: they write into their first argument)
        return one_of({"snakeCase", "camelCase", "kebabCase", "upperFirst", "lowerFirst", "capitalize", "startCase", "get", "pick", "omit",
                       "cloneDeep", "clone", "isEmpty", "isNil", "isString", "isNumber", "isPlainObject", "toNumber", "toString", "trim"});
    }
    // objection lib/utils/identifierMapping.js: the two functions knex calls on names and rows.
    if (package == "objection") return one_of({"knexSnakeCaseMappers", "snakeCaseMappers"});
    if (package == "env-var") return one_of({"get"}) == Allowed::Call ? Allowed::Builder : Allowed::No;
    if (package == "envalid") {
        return one_of({"cleanEnv", "str", "num", "bool", "port", "url", "host", "email", "json"}) == Allowed::Call ? Allowed::Builder : Allowed::No;
    }
    if (package == "zod") return member == "z" || member.starts_with("z.") || !member.empty() ? Allowed::Builder : Allowed::No;
    return Allowed::No;
}
bool allowed_new(std::string_view package, std::string_view member) {
    if (member.starts_with("default.")) member.remove_prefix(8);
    // typeorm-naming-strategies: classes of name functions TypeORM calls (src/*.ts, no I/O).
    return package == "typeorm-naming-strategies" || (package == "url" && (member == "URL" || member == "URLSearchParams"));
}
// A package's value named where it is not called (handed to a call, put into an object or an
// export): only an allowlisted function of an allowlisted package, or one of its constants.
bool allowed_value(std::string_view package, std::string_view member) {
    if (member.starts_with("default.")) member.remove_prefix(8);
    if (member.empty()) return package == "path";
    if ((package == "path" && (member == "sep" || member == "delimiter")) || (package == "os" && member == "EOL")) return true;
    return allowed_call(package, member) != Allowed::No || allowed_new(package, member);
}
std::string package_member(const Ref& r) { return r.path.size() > r.package.size() ? r.path.substr(r.package.size() + 1) : std::string(); }

// Globals a settings expression may read, and the calls of them that compute a value and nothing else.
bool known_global(std::string_view name) {
    static const std::set<std::string_view> k_globals = {"process", "__dirname", "__filename", "undefined", "NaN", "Infinity", "console",
                                                         "JSON", "Math", "Number", "String", "Boolean", "parseInt", "parseFloat", "isNaN",
                                                         "isFinite", "Object", "Array", "Date", "URL", "Error", "TypeError", "RangeError",
                                                         "Map", "Set", "Buffer", "encodeURIComponent", "decodeURIComponent", "require",
                                                         "module", "exports", "Promise", "RegExp", "Symbol"};
    return k_globals.contains(name);
}
bool pure_global_call(std::string_view path) {
    static const std::set<std::string_view> k_calls = {
        "Number", "String", "Boolean", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent",
        "JSON.parse", "JSON.stringify", "Object.keys", "Object.values", "Object.entries", "Object.fromEntries", "Object.assign",
        "Object.freeze", "Array.isArray", "Array.from", "Array.of", "console.log", "console.info", "console.warn", "console.error",
        "console.debug", "process.cwd", "Date.now", "Buffer.from", "require.resolve", "Number.parseInt", "Number.parseFloat",
        "Number.isInteger", "Number.isNaN", "Promise.resolve", "RegExp", "Symbol", "Symbol.for"};
    return k_calls.contains(path) || (path.starts_with("Math.") && path.find('.', 5) == std::string_view::npos);
}
bool constructible_global(std::string_view name) {
    return name == "URL" || name == "Error" || name == "TypeError" || name == "RangeError" || name == "Date" || name == "Map" || name == "Set" ||
           name == "RegExp";
}
// process's members a settings expression may read: its environment and where it runs.
bool process_member(std::string_view name) {
    return name == "env" || name == "cwd" || name == "platform" || name == "argv" || name == "arch" || name == "version" || name == "versions";
}

// Methods of strings, arrays, numbers and the like that compute a value from it and leave it as it
// was: not push, unshift, splice, sort, reverse, fill, copyWithin, pop, shift, set, add, delete or
// clear, which change the object (red team R82a B1: `options.migrations.push("lib/x/*.js")` after
// the literal changed the folder TypeORM read).
bool pure_method(std::string_view name) {
    static const std::set<std::string_view> k_methods = {
        "toString", "trim", "trimStart", "trimEnd", "split", "toLowerCase", "toUpperCase", "replace", "replaceAll", "startsWith",
        "endsWith", "includes", "indexOf", "lastIndexOf", "slice", "substring", "substr", "join", "concat", "padStart", "padEnd",
        "map", "filter", "find", "findIndex", "some", "every", "reduce", "forEach", "flat", "flatMap", "at", "charAt", "repeat",
        "match", "test", "toFixed", "localeCompare", "normalize", "keys", "values", "entries", "has", "get", "valueOf", "then"};
    return k_methods.contains(name);
}

// Members that reach code or another object's prototype: never read through.
bool forbidden_member(std::string_view name) {
    return name == "constructor" || name == "prototype" || name == "__proto__" || name == "__defineGetter__" || name == "__defineSetter__" ||
           name == "__lookupGetter__" || name == "_load" || name == "binding" || name == "_linkedBinding" || name == "dlopen" ||
           name == "mainModule" || name == "caller" || name == "callee";
}

// Keys under which a settings module may hold a function: the tools call it with a message, and
// nothing it returns reaches SQL. knex lib/logger.js: Logger reads config.log.{debug, warn, error,
// deprecate} and calls each with the message; Sequelize lib/sequelize.js log(): calls
// options.logging with the SQL text it has built (and the timing). Not knex's pool.afterCreate
// (it gets the connection), wrapIdentifier / postProcessResponse (their result is the SQL's
// names and the rows), a `connection` function (its result is the connection's settings).
struct KeyContext {
    std::string key;
    bool in_log = false;  // the object under knex's `log` key
};
bool function_key(const KeyContext& k) {
    if (k.key == "logging" || k.key == "(callback)") return true;
    return k.in_log && (k.key == "debug" || k.key == "warn" || k.key == "error" || k.key == "deprecate");
}

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

std::vector<Failure> Reader::run() {
    auto tokens = std::make_unique<Tokens>(lex_js(m_text));
    auto src = std::make_unique<Source>(Source{tokens.get(), closing_brackets(*tokens)});
    m_src = src.get();
    m_sources.push_back(std::move(src));
    m_owned.push_back(std::move(tokens));
    m_scopes.emplace_back();
    if (!t().empty() && !t().back().unreadable.empty()) {
        m_out.push_back(Failure{t().back().begin, "the rest of the file, which pgfence cannot read (" + t().back().unreadable + ")"});
    }
    // Function declarations are bound before the statements run (JavaScript hoists them).
    for (std::size_t k = 0; k + 1 < n(); ++k) {
        if (is(k, "function") && ident(k + 1) && (k == 0 || !is(k - 1, "="))) bind(t()[k + 1].text, Ref(Ref::Kind::Function));
    }
    statements(0, n());
    // Then the bodies of the functions the file holds, in the scope it ends with.
    for (std::size_t d = 0; d < m_deferred.size(); ++d) {
        if (d >= 4096) {  // past the limit: each function left is unknown, never taken as read
            m_out.push_back(Failure{m_deferred[d].src == m_sources.front().get() ? m_deferred[d].src->t->at(m_deferred[d].body).begin : 0,
                                    "a function past pgfence's limit of 4096 functions in a settings module"});
            break;
        }
        const Deferred f = m_deferred[d];
        m_src = f.src;
        const std::size_t depth = m_scopes.size();
        for (const auto& s : f.scopes) m_scopes.push_back(s);
        m_scopes.emplace_back();
        for (const auto& p : f.params) bind(p, Ref(Ref::Kind::Value));
        ++m_function_depth;
        if (f.expression_body) {
            // `x => x.run = v`: an assignment, judged as one at the top is (red team R80 L3); and all of it read.
            std::size_t i = f.body;
            m_failed = false;
            if (!assignment_or_expression(i, f.stop)) m_out.push_back(m_failure);
            else if (i < f.stop) m_out.push_back(Failure{at(i), "`" + shown(t()[i].text) + "` in a function's body, which pgfence does not read"});
        } else {
            statements(f.body + 1, closer(f.body));
        }
        --m_function_depth;
        m_scopes.resize(depth);
    }
    std::sort(m_out.begin(), m_out.end(), [](const Failure& a, const Failure& b) { return a.offset < b.offset; });
    return m_out;
}

void Reader::statements(std::size_t i, std::size_t stop) {
    while (i < stop) {
        const std::size_t begin = i;
        m_failed = false;
        if (!statement(i, stop)) {
            m_out.push_back(m_failure);
            i = resync(begin, stop);
        }
        if (i <= begin) i = begin + 1;
    }
}

// Past a statement that was not read: to the token after its `;`, or to the next line that starts
// another statement.
std::size_t Reader::resync(std::size_t i, std::size_t stop) const {
    for (std::size_t k = i; k < stop;) {
        if (is(k, ";")) return k + 1;
        if (k > i && newline_before(k) && ident(k) && (is(k - 1, "}") || is(k - 1, ")") || is(k - 1, "]") || ident(k - 1) || literal(k - 1))) {
            return k;
        }
        k = (is(k, "(") || is(k, "[") || is(k, "{")) ? closer(k) + 1 : k + 1;
    }
    return stop;
}

bool Reader::statement_end(std::size_t& i, std::size_t stop) {
    if (i >= stop) return true;
    if (is(i, ";")) {
        ++i;
        return true;
    }
    if (is(i, "}") || newline_before(i)) return true;
    return fail(i, "`" + shown(t()[i].text.empty() ? std::string("...") : t()[i].text) + "` where a statement ends");
}

bool Reader::statement(std::size_t& i, std::size_t stop) {
    Nest nest(m_nesting);
    if (m_nesting > k_max_nesting) return fail(i, "statements nested past pgfence's limit");
    if (is(i, ";")) {
        ++i;
        return true;
    }
    if (is(i, "{")) {
        const std::size_t c = closer(i);
        statements(i + 1, c);
        i = c + 1;
        return true;
    }
    if (is(i, "@")) {  // decorators, then the class (or `export class`) they decorate
        if (!decorators(i, stop)) return false;
        return statement(i, stop);
    }
    if (ident(i)) {
        const std::string& w = t()[i].text;
        if (w == "import" && !is(i + 1, "(") && !is(i + 1, ".")) return import_declaration(i, stop);
        if (w == "export") return export_declaration(i, stop);
        if (w == "const" || w == "let" || w == "var") return declaration(i, stop);
        if (w == "function" || (w == "async" && is(i + 1, "function"))) return function_declaration(i, stop);
        if ((w == "class" && ident(i + 1)) || (w == "abstract" && is(i + 1, "class"))) return class_declaration(i, stop);
        if (w == "declare" && !newline_before(i + 1) && ident(i + 1)) return skip_declare(i, stop);
        if ((w == "interface" || w == "type") && ident(i + 1) && !newline_before(i + 1) && (w == "interface" || is(i + 2, "=") || is(i + 2, "<"))) {
            if (w == "interface") {
                while (i < stop && !is(i, "{")) ++i;
                i = closer(i) + 1;
                return true;
            }
            i += 2;
            if (is(i, "<")) skip_type(i, stop);
            if (is(i, "=")) skip_type(i, stop);
            return statement_end(i, stop);
        }
        if (w == "enum" && ident(i + 1) && is(i + 2, "{")) {
            const std::size_t c = closer(i + 2);
            for (std::size_t k = i + 3; k < c;) {
                if (is(k, ",")) {
                    ++k;
                    continue;
                }
                if (!(ident(k) || literal(k))) return fail(k, "an enum member pgfence does not read");
                bind(t()[i + 1].text, Ref(Ref::Kind::Value));
                ++k;
                if (is(k, "=") && !expression(++k, c, {})) return false;
            }
            bind(t()[i + 1].text, Ref(Ref::Kind::Value));
            i = c + 1;
            return true;
        }
        if (w == "if") {
            if (!is(i + 1, "(")) return fail(i, "an `if` pgfence does not read");
            const std::size_t c = closer(i + 1);
            std::size_t k = i + 2;
            if (!expression(k, c, {})) return false;
            if (k != c) return fail(k, "an `if` condition pgfence does not read");
            i = c + 1;
            if (!block_or_statement(i, stop)) return false;
            if (is(i, "else")) {
                ++i;
                return block_or_statement(i, stop);
            }
            return true;
        }
        if (w == "try" && is(i + 1, "{")) {
            ++i;
            if (!block_or_statement(i, stop)) return false;
            if (is(i, "catch")) {
                ++i;
                m_scopes.emplace_back();
                if (is(i, "(")) {
                    const std::size_t c = closer(i);
                    if (ident(i + 1)) bind(t()[i + 1].text, Ref(Ref::Kind::Value));
                    i = c + 1;
                }
                const bool ok = block_or_statement(i, stop);
                m_scopes.pop_back();
                if (!ok) return false;
            }
            if (is(i, "finally")) {
                ++i;
                return block_or_statement(i, stop);
            }
            return true;
        }
        if (w == "for" && is(i + 1, "(")) {
            // `for (const x of <settings>)` and `for (const k in <settings>)`: over a value, nothing else.
            const std::size_t c = closer(i + 1);
            std::size_t k = i + 2;
            if (!(is(k, "const") || is(k, "let") || is(k, "var"))) return fail(i, "a loop pgfence does not read");
            ++k;
            const std::size_t name = k;
            if (!(ident(name) && (is(name + 1, "of") || is(name + 1, "in")))) return fail(i, "a loop pgfence does not read");
            k += 2;
            if (!expression(k, c, {})) return false;
            if (k != c) return fail(k, "a loop pgfence does not read");
            bind(t()[name].text, Ref(Ref::Kind::Value));
            i = c + 1;
            return block_or_statement(i, stop);
        }
        if ((w == "continue" || w == "break") && !is(i + 1, ".") && !is(i + 1, "=")) {
            ++i;
            if (ident(i) && !newline_before(i)) ++i;  // a label
            return statement_end(i, stop);
        }
        if (w == "return" || w == "throw") {  // (at the top of a CommonJS module too: it ends the module)
            ++i;
            if (i >= stop || is(i, ";") || is(i, "}") || newline_before(i)) return statement_end(i, stop);
            if (!expression(i, stop, {})) return false;
            return statement_end(i, stop);
        }
        static const std::set<std::string_view> k_denied = {"class", "abstract", "while", "do", "switch", "with", "namespace", "module",
                                                            "eval", "debugger", "label", "yield", "async"};
        if (k_denied.contains(w) && !is(i + 1, ".") && !is(i + 1, "=")) {
            if (w == "class" || w == "abstract") return fail(i, "a class, whose static parts run when the file loads and whose methods pgfence does not read as settings");
            if (w == "async") return fail(i, "an async function pgfence does not read as settings");
            return fail(i, "`" + w + "`, a statement pgfence does not read as settings");
        }
        if (is(i + 1, ":") && !is(i + 2, ":")) return fail(i, "a labelled statement");
    }
    return assignment_or_expression(i, stop);
}

bool Reader::block_or_statement(std::size_t& i, std::size_t stop) {
    if (is(i, "{")) {
        const std::size_t c = closer(i);
        statements(i + 1, c);
        i = c + 1;
        return true;
    }
    return statement(i, stop);
}

bool Reader::skip_declare(std::size_t& i, std::size_t stop) {
    // TypeScript's `declare const x: T;`, `declare module 'x' { ... }`, `declare global { ... }`: types only.
    for (; i < stop; ++i) {
        if (is(i, ";")) {
            ++i;
            return true;
        }
        if (is(i, "{")) {
            i = closer(i) + 1;
            return true;
        }
        if (is(i, "(") || is(i, "[")) i = closer(i);
        if (i + 1 < stop && newline_before(i + 1) && !is(i, ":") && !is(i, "|") && !is(i, "&") && !is(i, ",")) {
            ++i;
            return true;
        }
    }
    return true;
}

// A TypeScript type from i (at `:`, `=` of a type alias, `as`, `satisfies`, `<` of type
// parameters): to where the type ends.
void Reader::skip_type(std::size_t& i, std::size_t stop) {
    const bool params = is(i, "<");
    if (!params) ++i;
    int angle = 0;
    bool operand = false;
    for (std::size_t steps = 0; i < stop && steps < (1u << 22); ++steps) {
        if (is(i, "<")) {
            ++angle;
            ++i;
            operand = false;
            continue;
        }
        if (is(i, ">") || is(i, ">>")) {
            angle -= is(i, ">") ? 1 : 2;
            ++i;
            operand = true;
            if (params && angle <= 0) return;
            continue;
        }
        if (angle > 0) {
            if (is(i, ";")) return;
            i = (is(i, "(") || is(i, "[") || is(i, "{")) ? closer(i) + 1 : i + 1;
            continue;
        }
        if (operand && newline_before(i) && !is(i, "|") && !is(i, "&") && !is(i, ".") && !is(i, "[")) return;
        if (is(i, "(") || is(i, "{") || (is(i, "[") && !operand) || (is(i, "[") && is(i + 1, "]"))) {
            i = closer(i) + 1;
            operand = true;
            continue;
        }
        if (is(i, "|") || is(i, "&") || is(i, ".") || is(i, "=>") || is(i, "keyof") || is(i, "typeof") || is(i, "readonly") || is(i, "unique")) {
            ++i;
            operand = false;
            continue;
        }
        if ((ident(i) || literal(i) || (i < n() && t()[i].kind == TokenKind::Template)) && !operand) {
            ++i;
            operand = true;
            continue;
        }
        return;
    }
}

bool Reader::load(std::size_t i, const std::string& spec) {
    if (bare_package(spec) || spec.starts_with("node:")) return true;
    if (!relative(spec)) return fail(i, "a load of '" + shown(spec) + "', a module by a name pgfence does not resolve (a path alias)");
    if (spec.ends_with(".json")) return true;
    std::string ambiguous;
    auto file = resolve_import(m_path, spec, &ambiguous);
    if (!file) {
        // A file by a name pgfence does not read as a script (`./addon.node`): not followed.
        std::error_code ec;
        if (std::filesystem::exists(std::filesystem::path(m_path).parent_path() / spec, ec) &&
            !std::filesystem::is_directory(std::filesystem::path(m_path).parent_path() / spec, ec)) {
            return fail(i, "a load of '" + shown(spec) + "', a file pgfence does not read as a module");
        }
        if (ambiguous.empty()) return true;  // no such file: the tool fails to load the settings
        return fail(i, "a load of '" + shown(spec) + "', which pgfence cannot follow" + ambiguous);
    }
    if (std::string why = m_files.check(*file, m_depth + 1); !why.empty()) {
        return fail(i, "'" + shown(spec) + "', a module it loads, which runs code pgfence does not read (" + why + ")");
    }
    return true;
}

bool Reader::import_declaration(std::size_t& i, std::size_t stop) {
    ++i;
    if (is(i, "type") && !is(i + 1, "from") && !is(i + 1, ",") && !is(i + 1, "=")) {  // erased
        while (i < stop && !(i < n() && t()[i].kind == TokenKind::String && is(i - 1, "from")) && !is(i, ";")) i = is(i, "{") ? closer(i) + 1 : i + 1;
        if (i < stop && !is(i, ";")) ++i;
        return statement_end(i, stop);
    }
    if (i < n() && t()[i].kind == TokenKind::String) {  // import 'x'
        const std::string spec = t()[i].string.value;
        if (!load(i, spec)) return false;
        ++i;
        return statement_end(i, stop);
    }
    // import x = require('x')
    if (ident(i) && is(i + 1, "=") && is(i + 2, "require") && is(i + 3, "(") && constant(i + 4) && is(i + 5, ")")) {
        const std::string spec = *constant(i + 4);
        if (!load(i + 2, spec)) return false;
        bind(t()[i].text, bare_package(spec) || spec.starts_with("node:") ? Ref(Ref::Kind::Package, package_name(spec), package_name(spec)) : Ref(Ref::Kind::Value));
        i += 6;
        return statement_end(i, stop);
    }
    std::vector<std::pair<std::string, std::string>> names;  // (local name, imported name)
    for (; i < stop && !is(i, "from"); ++i) {
        if (is(i, "{")) {
            const std::size_t c = closer(i);
            for (std::size_t k = i + 1; k < c; ++k) {
                if (!ident(k) || is(k, "as")) continue;
                if (is(k, "type") && ident(k + 1)) continue;
                if (is(k - 1, "type") && !is(k - 2, "{") && !is(k - 2, ",")) continue;
                std::string imported = t()[k].text;
                std::string local = imported;
                if (is(k + 1, "as") && ident(k + 2)) {
                    local = t()[k + 2].text;
                    k += 2;
                }
                names.emplace_back(local, imported);
            }
            i = c;
        } else if (is(i, "*") && is(i + 1, "as") && ident(i + 2)) {
            names.emplace_back(t()[i + 2].text, "");
            i += 2;
        } else if (ident(i)) {
            names.emplace_back(t()[i].text, "default");
        } else if (!is(i, ",")) {
            return fail(i, "an import pgfence does not read");
        }
    }
    if (!is(i, "from") || !constant(i + 1)) return fail(i, "an import pgfence does not read");
    const std::string spec = *constant(i + 1);
    const bool package = bare_package(spec) || spec.starts_with("node:");
    for (const auto& [local, imported] : names) {  // bound even when the module is not read (one unknown, at the import)
        if (!package) {
            bind(local, Ref(Ref::Kind::Value));
            continue;
        }
        const std::string p = package_name(spec);
        // node:process is the global process (automatisch's config: `import process from 'node:process'`),
        // read as the global is.
        if (p == "process") {
            bind(local, Ref(Ref::Kind::Global, "", imported.empty() || imported == "default" || imported == "*" ? std::string("process") : "process." + imported));
            continue;
        }
        bind(local, Ref(Ref::Kind::Package, p, imported.empty() || imported == "default" ? p : p + "." + imported));
    }
    if (!load(i + 1, spec)) return false;
    i += 2;
    if (is(i, "with") || is(i, "assert")) {  // import attributes
        ++i;
        if (is(i, "{")) i = closer(i) + 1;
    }
    return statement_end(i, stop);
}

bool Reader::export_declaration(std::size_t& i, std::size_t stop) {
    ++i;
    if (is(i, "default")) {
        ++i;
        if ((is(i, "class") && ident(i + 1) && !is(i + 1, "extends")) || (is(i, "abstract") && is(i + 1, "class"))) return class_declaration(i, stop);
        if (is(i, "function") || is(i, "async") || is(i, "class") || arrow_at(i, stop)) {
            return fail(i, "a default export that is code (a function or a class) the tool may call, which pgfence does not read as settings");
        }
        if (is(i, "interface")) return statement(i, stop);
        if (!expression(i, stop, {})) return false;
        return statement_end(i, stop);
    }
    if (is(i, "const") || is(i, "let") || is(i, "var")) {
        // Its names leave the file: a package's function among them is handed on (checked in declaration()).
        m_exporting = true;
        const bool ok = statement(i, stop);
        m_exporting = false;
        return ok;
    }
    if (is(i, "function") || is(i, "async") || (is(i, "type") && ident(i + 1)) || is(i, "interface") ||
        is(i, "enum") || is(i, "declare") || is(i, "class") || is(i, "abstract")) {
        return statement(i, stop);
    }
    if (is(i, "=")) {  // TypeScript's `export = value`
        ++i;
        if (!expression(i, stop, {})) return false;
        return statement_end(i, stop);
    }
    if (is(i, "*") || is(i, "{") || is(i, "type")) {
        const bool types = is(i, "type");
        if (is(i, "type")) ++i;
        const std::size_t list = i;
        if (is(i, "{")) i = closer(i) + 1;
        else {
            ++i;
            if (is(i, "as") && ident(i + 1)) i += 2;
        }
        if (is(i, "from")) {
            if (!constant(i + 1)) return fail(i, "an export pgfence does not read");
            const std::string spec = *constant(i + 1);
            if (!load(i + 1, spec)) return false;
            // A package's exports handed on to whoever imports this module: only allowlisted ones.
            if (!types && (bare_package(spec) || spec.starts_with("node:"))) {
                const std::string p = package_name(spec);
                if (!is(list, "{")) {
                    if (p != "path") return fail(list, "an export of everything '" + shown(p) + "' exports, which pgfence does not let a settings module hand on");
                } else {
                    for (std::size_t k = list + 1; k < closer(list); ++k) {
                        if (ident(k) && !is(k, "as") && !is(k, "type") && !is(k - 1, "as") && !allowed_value(p, t()[k].text)) {
                            return fail(k, "an export of `" + shown(t()[k].text) + "` of '" + shown(p) + "', which pgfence does not let a settings module hand on");
                        }
                    }
                }
            }
            i += 2;
        } else if (is(list, "{")) {
            for (std::size_t k = list + 1; k < closer(list); ++k) {
                if (!ident(k) || is(k, "as") || is(k, "type") || is(k - 1, "as")) continue;
                if (Binding* b = lookup(t()[k].text); b && b->ref.kind == Ref::Kind::Package && !allowed_value(b->ref.package, package_member(b->ref))) {
                    return fail(k, "`" + shown(b->ref.path) + "` of '" + shown(b->ref.package) + "' exported, which pgfence does not let a settings module hand on");
                }
            }
        }
        return statement_end(i, stop);
    }
    return fail(i, "an export pgfence does not read");
}

bool Reader::function_declaration(std::size_t& i, std::size_t stop) {
    if (is(i, "async")) ++i;
    ++i;  // function
    if (is(i, "*")) return fail(i, "a generator function");
    if (!ident(i)) return fail(i, "a function pgfence does not read");
    const std::string name = t()[i].text;
    ++i;
    if (is(i, "<")) skip_type(i, stop);
    if (!is(i, "(")) return fail(i, "a function pgfence does not read");
    std::vector<std::string> params;
    const std::size_t pc = closer(i);
    parameter_names(i, params);
    // Defaults of parameters are read with the body (a default runs when the function is called).
    i = pc + 1;
    if (is(i, ":")) {
        skip_type(i, stop);
    }
    if (!is(i, "{")) {
        if (is(i, ";") || newline_before(i)) return statement_end(i, stop);  // an overload's signature
        return fail(i, "a function pgfence does not read");
    }
    bind(name, Ref(Ref::Kind::Function));
    m_deferred.push_back(Deferred{m_src, params, i, closer(i), false, enclosing()});
    i = closer(i) + 1;
    return true;
}

// `@A(...) @B ...`: each decorator a settings expression, a package's calls allowed (metadata).
bool Reader::decorators(std::size_t& i, std::size_t stop) {
    while (is(i, "@")) {
        ++i;
        std::size_t k = i;
        if (!ident(k)) return fail(k, "a decorator pgfence does not read");
        // `@Name`, `@a.b`, `@Name(args)`: a chain of names and one call.
        Ref ref;
        const bool saved = m_decorator;
        m_decorator = true;
        m_binding_at = k;  // a package's name is not handed on by naming it here
        const bool ok = postfix(k, stop, {}, &ref);
        m_binding_at = std::size_t(-1);
        m_decorator = saved;
        if (!ok) return false;
        i = k;
    }
    return true;
}

// A class: its decorators, what it extends (a name), its fields' initialisers and static parts as
// settings expressions, its methods' bodies under the same rule as functions. A static block runs
// when the file loads and is not read.
bool Reader::class_declaration(std::size_t& i, std::size_t stop) {
    if (is(i, "abstract")) ++i;
    ++i;  // class
    std::string name;
    if (ident(i) && !is(i, "extends") && !is(i, "implements")) name = t()[i++].text;
    if (is(i, "<")) skip_type(i, stop);
    if (is(i, "extends")) {
        ++i;
        if (!ident(i)) return fail(i, "a class extending an expression pgfence does not read");
        if (!lookup(t()[i].text) && !known_global(t()[i].text)) return fail(i, "a class extending `" + shown(t()[i].text) + "`, a name this file does not bind");
        ++i;
        while (is(i, ".") && ident(i + 1)) i += 2;
        if (is(i, "<")) skip_type(i, stop);
    }
    if (is(i, "implements")) {
        while (i < stop && !is(i, "{")) i = is(i, "<") ? (skip_type(i, stop), i) : i + 1;
    }
    if (!is(i, "{")) return fail(i, "a class pgfence does not read");
    if (!name.empty()) bind(name, Ref(Ref::Kind::Value));
    const std::size_t c = closer(i);
    static const std::set<std::string_view> k_modifiers = {"public", "private", "protected", "readonly", "declare", "abstract", "override",
                                                           "accessor", "async", "get", "set"};
    for (std::size_t k = i + 1; k < c;) {
        if (is(k, ";") || is(k, ",")) {
            ++k;
            continue;
        }
        if (is(k, "@")) {
            if (!decorators(k, c)) return false;
            continue;
        }
        bool is_static = false;
        while (ident(k) && (k_modifiers.contains(t()[k].text) || is(k, "static")) && !is(k + 1, "(") && !is(k + 1, "=") && !is(k + 1, ":") &&
               !is(k + 1, ";") && !is(k + 1, "?") && !is(k + 1, "!")) {
            is_static = is_static || is(k, "static");
            ++k;
        }
        if (is_static && is(k, "{")) return fail(k, "a static block, which runs when the file loads");
        if (is(k, "*")) return fail(k, "a generator method");
        const std::size_t member_at = k;
        if (ident(k) || (k < n() && (t()[k].kind == TokenKind::String || t()[k].kind == TokenKind::Number))) ++k;
        else if (is(k, "[") && constant(k + 1) && closer(k) == k + 2) k += 3;
        else return fail(k, "a class member pgfence does not read");
        if (is(k, "?") || is(k, "!")) ++k;
        if (is(k, "(") || is(k, "<")) {
            if (!function_value(k, c, {}, true)) return false;
            continue;
        }
        if (is(k, ":")) skip_type(k, c);
        if (is(k, "=")) {
            ++k;
            const bool function = is(k, "function") || (is(k, "async") && (is(k + 1, "function") || arrow_at(k + 1, c))) || arrow_at(k, c);
            if (function) {
                if (!function_value(k, c, {}, true)) return false;
            } else if (!expression(k, c, {})) {
                return false;
            }
        }
        if (k == member_at) ++k;
        if (k < c && !is(k, ";") && !is(k, ",") && !newline_before(k) && !is(k, "@")) return fail(k, "a class member pgfence does not read");
    }
    i = c + 1;
    return true;
}

// `const a = x, { b } = y;` (and let, var): each name bound to what its value is.
bool Reader::declaration(std::size_t& i, std::size_t stop) {
    const bool let = !is(i, "const");
    ++i;
    while (i < stop) {
        const std::size_t target = i;
        std::size_t after = i;
        if (ident(i)) after = i + 1;
        else if (is(i, "{") || is(i, "[")) after = closer(i) + 1;
        else return fail(i, "a declaration pgfence does not read");
        std::size_t k = after;
        if (is(k, "!")) ++k;
        if (is(k, ":")) skip_type(k, stop);
        Ref ref(Ref::Kind::Value);
        if (ident(target)) bind(t()[target].text, ref, let);  // bound even when its value is not read (one unknown, not one per use)
        if (is(k, "=")) {
            ++k;
            const bool function = is(k, "function") || (is(k, "async") && (is(k + 1, "function") || arrow_at(k + 1, stop))) || arrow_at(k, stop);
            if (function && ident(target)) {
                // A function the file defines: read when the file's statements are (its body).
                if (!function_value(k, stop, {}, true)) return false;
                ref = Ref(Ref::Kind::Function);
            } else {
                const bool own = is(k, "{") || is(k, "[") || literal(k) || (k < n() && t()[k].kind == TokenKind::Template);
                m_binding_at = k;
                const bool ok = expression(k, stop, {}, &ref);
                m_binding_at = std::size_t(-1);
                if (!ok) return false;
                if (ref.kind == Ref::Kind::Value) ref.own = own;
            }
        }
        if (ident(target)) {
            bind(t()[target].text, ref, let);
        } else {
            std::size_t p = target;
            if (!pattern(p, after, ref, let)) return false;
        }
        if (m_exporting && ref.kind == Ref::Kind::Package) {
            // `export const { runner } = require('x')` names the package's members: each is handed on.
            for (std::size_t m = target; m < after; ++m) {
                if (!ident(m) || is(m + 1, ":")) continue;
                Binding* b = lookup(t()[m].text);
                if (b && b->ref.kind == Ref::Kind::Package && !allowed_value(b->ref.package, package_member(b->ref))) {
                    return fail(m, "`" + shown(b->ref.path) + "` of '" + shown(b->ref.package) + "' exported, which pgfence does not let a settings module hand on");
                }
            }
        }
        i = k;
        if (is(i, ",")) {
            ++i;
            continue;
        }
        return statement_end(i, stop);
    }
    return true;
}

// A destructuring pattern `{ a, b: c, d = 1, ...e }` / `[a, , b]`: its names, bound to what `from`
// holds (a package's exports stay the package's).
bool Reader::pattern(std::size_t& i, std::size_t stop, const Ref& from, bool let) {
    const bool object = is(i, "{");
    const std::size_t c = closer(i);
    for (std::size_t k = i + 1; k < c;) {
        if (is(k, ",")) {
            ++k;
            continue;
        }
        if (is(k, "...")) ++k;
        std::string key;
        if (object) {
            if (ident(k) || (k < n() && t()[k].kind == TokenKind::String)) key = t()[k].kind == TokenKind::String ? t()[k].string.value : t()[k].text;
            else if (is(k, "[") && constant(k + 1) && is(k + 2, "]")) key = *constant(k + 1);
            else return fail(k, "a destructuring pgfence does not read");
            if (forbidden_member(key)) return fail(k, "a read of `" + shown(key) + "`");
            k = is(k, "[") ? k + 3 : k + 1;
        }
        Ref member = from;
        if (from.kind == Ref::Kind::Package || from.kind == Ref::Kind::Global) member.path += "." + key;
        if (from.kind == Ref::Kind::Value) member.own = false;
        if (object && is(k, ":")) ++k;
        else if (object) {  // shorthand
            bind(key, member, let);
            if (is(k, "=")) {
                ++k;
                if (!expression(k, c, {})) return false;
            }
            continue;
        }
        if (is(k, "{") || is(k, "[")) {
            std::size_t p = k;
            if (!pattern(p, c, member, let)) return false;
            k = closer(k) + 1;
        } else if (ident(k)) {
            bind(t()[k].text, member, let);
            ++k;
        } else {
            return fail(k, "a destructuring pgfence does not read");
        }
        if (is(k, "=")) {
            ++k;
            if (!expression(k, c, {})) return false;
        }
    }
    i = c + 1;
    (void)stop;
    return true;
}

// An assignment to what the file owns (its exports, its own objects and `let`s, process.env), or
// an expression statement whose calls are settings calls.
bool Reader::assignment_or_expression(std::size_t& i, std::size_t stop) {
    // Find a top-level assignment operator in the statement's first expression: `a.b[c] = v`.
    static const std::set<std::string_view> k_assign = {"=", "+=", "-=", "||=", "&&=", "?\?=", "*=", "/="};
    std::size_t k = i;
    std::size_t root_at = i;
    // TypeScript's `(process.env as any).X = ...`: the chain inside the cast.
    if (is(i, "(") && ident(i + 1)) {
        std::size_t a = i + 2;
        while ((is(a, ".") && ident(a + 1))) a += 2;
        if (is(a, "as") && closer(i) < stop) {
            std::size_t e = a;
            skip_type(e, closer(i));
            if (e == closer(i) && (is(e + 1, ".") || is(e + 1, "["))) {
                root_at = i + 1;
                k = e + 1;
            }
        }
    }
    if (root_at == i && ident(k)) {
        ++k;
    }
    if (ident(root_at)) {
        while (k < stop) {
            if ((is(k, ".") || is(k, "?.")) && ident(k + 1)) k += 2;
            else if (is(k, "[")) k = closer(k) + 1;
            else if (is(k, "!") && (is(k + 1, ".") || is(k + 1, "[") || is(k + 1, "="))) ++k;
            else break;
        }
    }
    if (k > i && k < stop && (t()[k].kind == TokenKind::Punct) && k_assign.contains(t()[k].text)) {
        const std::string root = t()[root_at].text;
        std::vector<std::string> members;
        for (std::size_t m = root_at + 1; m < k; ++m) {
            if (is(m, "as")) {
                m = closer(i);
                continue;
            }
            if (ident(m) && is(m - 1, ".")) members.push_back(t()[m].text);
            if (is(m, "[")) {
                auto c = constant(m + 1);
                if (c && is(m + 2, "]")) members.push_back(*c);
                else if (!(root == "process" && members.size() == 1 && members[0] == "env")) {
                    // a computed member of an own object: its key is read
                    std::size_t e = m + 1;
                    if (!expression(e, closer(m), {})) return false;
                    members.push_back("[computed]");
                }
                m = closer(m);
            }
        }
        for (const auto& m : members) {
            if (forbidden_member(m)) return fail(i, "a write to `" + shown(m) + "`, which reaches code or another object's prototype");
        }
        bool ok = false;
        if (root == "module" && !members.empty() && members[0] == "exports") ok = true;
        else if (root == "this" && !members.empty() && m_function_depth > 0) ok = true;
        else if (root == "exports" && !members.empty()) ok = true;
        else if (root == "process" && members.size() == 2 && members[0] == "env") ok = true;
        else if (root == "process" && members.size() == 1 && members[0] == "env" && is(i + 3, "[")) ok = true;
        else if (Binding* b = lookup(root)) {
            if (members.empty()) ok = b->declared_let;
            else ok = (b->ref.kind == Ref::Kind::Value && b->ref.own) ||
                      // node-postgres's `pg.defaults.x = ...` (connection defaults, never SQL), as pg_idiom_loads reads it
                      (b->ref.kind == Ref::Kind::Package && b->ref.package == "pg" && members.size() >= 2 && members[0] == "defaults");
            if (members.empty() && !ok) return fail(i, "an assignment to `" + shown(root) + "`, which is not a variable this file declares");
        }
        if (!ok) return fail(i, "a write to `" + shown(root) + (members.empty() ? "" : "." + shown(members[0])) + "`, which is not an object this file made");
        std::size_t v = k + 1;
        Ref ref;
        KeyContext key;
        if (!members.empty()) key.key = members.back();
        if (members.size() >= 2 && members[members.size() - 2] == "log") key.in_log = true;
        if (!expression(v, stop, key, &ref)) return false;
        if (members.empty()) {
            Binding* b = lookup(root);
            b->ref = ref;
        }
        i = v;
        return statement_end(i, stop);
    }
    if (!expression(i, stop, {})) return false;
    return statement_end(i, stop);
}

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
        if (!expression(i, stop, key)) return false;
        if (!is(i, ":")) return fail(i, "a conditional pgfence does not read");
        ++i;
        if (!expression(i, stop, key)) return false;
        ref = Ref(Ref::Kind::Value);
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
    while (i < stop) {
        if (is(i, "as") || is(i, "satisfies")) {
            skip_type(i, stop);
            continue;
        }
        if (i < n() && k_ops.contains(t()[i].text) && t()[i].kind != TokenKind::String && !(ident(i) && !(is(i, "instanceof") || is(i, "in")))) {
            ++i;
            // `a || (() => ...)` keeps the key's function rule; a value either side.
            if (!unary(i, stop, key, nullptr)) return false;
            combined = true;
            continue;
        }
        break;
    }
    if (out) *out = combined ? Ref(Ref::Kind::Value) : ref;
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
    if (is(i, "!") || is(i, "-") || is(i, "+") || is(i, "~") || is(i, "typeof") || is(i, "void") || is(i, "await")) {
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
                ref = Ref(Ref::Kind::Value);
                ref.made_by = std::move(made_by);
                last.clear();
            }
            i = c + 1;
            continue;
        }
        if (is(i, "(")) {
            m_env_result = false;
            if (!arguments(i, ref, last)) return false;
            // What a call returns: a value, which keeps the rule of the allowlisted package that made it.
            std::string made_by = ref.kind == Ref::Kind::Package ? ref.package : ref.kind == Ref::Kind::Value ? ref.made_by : std::string();
            ref = m_env_result ? Ref(Ref::Kind::Global, "", "process.env") : Ref(Ref::Kind::Value);
            ref.made_by = std::move(made_by);
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
            Ref callee{Ref::Kind::Function};
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

}  // namespace

std::vector<std::pair<int, std::string>> settings_module_unread(std::string_view path, std::string_view text, std::string_view tool,
                                                                std::vector<std::string>* read) {
    Files files(read);
    Reader reader(text, std::string(path), files, 0);
    const std::vector<Failure> failures = reader.run();
    std::vector<std::pair<int, std::string>> out;
    const std::string name = std::filesystem::path(std::string(path)).filename().string();
    std::vector<std::size_t> starts{0};
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text[k] == '\n') starts.push_back(k + 1);
    }
    for (const Failure& f : failures) {
        const int line = static_cast<int>(std::upper_bound(starts.begin(), starts.end(), f.offset) - starts.begin());
        if (!out.empty() && out.back().first == line) continue;
        out.emplace_back(line, name + " runs code pgfence does not read when " + std::string(tool) + " loads it (" + f.what +
                                   "), in the process that then runs the migrations: pgfence reads a settings module only as settings, so what "
                                   "the tool runs is not known");
    }
    return out;
}

}  // namespace pgfence::analyze::orm
