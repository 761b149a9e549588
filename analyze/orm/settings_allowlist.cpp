// The allowlists of the settings-module reader (settings_module.cpp): which packages, globals,
// members and methods a settings module may read or call, and under which keys it may hold a function.
#include "analyze/orm/settings_module_detail.hpp"

#include <cctype>
#include <set>

namespace pgfence::analyze::orm::settings_detail {

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
bool function_key(const KeyContext& k) {
    if (k.key == "logging" || k.key == "(callback)") return true;
    return k.in_log && (k.key == "debug" || k.key == "warn" || k.key == "error" || k.key == "deprecate");
}

}  // namespace pgfence::analyze::orm::settings_detail
