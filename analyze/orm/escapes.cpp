#include "analyze/orm/escapes.hpp"

#include <algorithm>
#include <iterator>

namespace pgfence::analyze::orm {

const std::string& root_of(const Node& n) {
    static const std::string k_none;
    const Node* at = &n;
    while ((at->kind == NodeKind::Member || at->kind == NodeKind::Index || at->kind == NodeKind::Call) && !at->kids.empty()) {
        at = &at->kids[0];
    }
    return at->kind == NodeKind::Ident ? at->name : k_none;
}

bool is_reference(const Node& n) {
    if (n.kind == NodeKind::Ident) return true;
    return n.kind == NodeKind::Member && !n.kids.empty() && is_reference(n.kids[0]);
}

bool is_bind(const Node& n) {
    return n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && n.kids[0].name == "bind" &&
           arg_count(n) <= 1;
}

std::size_t count_nodes(const Node& n, std::size_t limit) {
    std::size_t total = 1;
    for (const Node& k : n.kids) {
        if (total > limit) break;
        total += count_nodes(k, limit - total);
    }
    return total;
}

namespace {

// The name a callee goes by: `eval`, `vm.runInThisContext` -> runInThisContext.
std::string callee_name(const Node& callee) {
    if (callee.kind == NodeKind::Ident || callee.kind == NodeKind::Member) return callee.name;
    return {};
}

}  // namespace

std::string dynamic_value(const Node& n) {
    if (n.kind != NodeKind::Ident && !(n.kind == NodeKind::Member && is_reference(n))) return {};
    if (n.name == "eval" || n.name == "Function" || n.name == "AsyncFunction") {
        return "`" + n.name + "` runs JavaScript built at run time, which pgfence cannot read";
    }
    // node:vm (https://nodejs.org/api/vm.html): runInThisContext, runInNewContext, runInContext,
    // compileFunction and Script/SourceTextModule compile code from a string.
    static const std::string_view k_vm[] = {"runInThisContext", "runInNewContext", "runInContext", "compileFunction",
                                            "SourceTextModule", "createScript"};
    if (n.kind == NodeKind::Member && std::find(std::begin(k_vm), std::end(k_vm), n.name) != std::end(k_vm)) {
        return "`" + n.name + "` (node:vm) runs JavaScript built at run time, which pgfence cannot read";
    }
    return {};
}

std::string dynamic_code(const Node& n, const Emitter& e) {
    if ((n.kind != NodeKind::Call && n.kind != NodeKind::New) || n.kids.empty()) return {};
    const Node& callee = n.kids[0];
    if (auto why = dynamic_value(callee); !why.empty()) return why;
    std::string name = callee_name(callee);
    if (n.kind == NodeKind::New && name == "Script") return "`new Script()` (node:vm) compiles JavaScript built at run time";
    // `(async () => {}).constructor(code)`, `[].constructor.constructor(code)`: Function reached
    // through a prototype; `createRequire(url)` builds a require pgfence does not follow.
    if (callee.kind == NodeKind::Member && name == "constructor") return "`.constructor()` can be Function, which runs JavaScript built at run time";
    if (name == "createRequire") return "`createRequire()` builds a require() whose modules pgfence does not follow";
    // process.binding('spawn_sync') and process._linkedBinding reach Node's internal modules
    // (spawning programs), process.dlopen loads native code: outside what pgfence reads.
    if (callee.kind == NodeKind::Member && root_of(callee) == "process" &&
        (name == "binding" || name == "_linkedBinding" || name == "dlopen")) {
        return "`process." + name + "()` reaches Node's internals or native code (a program, a connection), which pgfence does not read";
    }
    // setTimeout('code') and setInterval('code') evaluate a string (in browsers and some runtimes).
    if ((name == "setTimeout" || name == "setInterval" || name == "setImmediate") && arg(n, 0) != nullptr &&
        (arg(n, 0)->kind == NodeKind::String || arg(n, 0)->kind == NodeKind::Template || arg(n, 0)->kind == NodeKind::Binary)) {
        return "`" + name + "()` of a string runs it as JavaScript, which pgfence cannot read";
    }
    bool require = name == "require" && (callee.kind == NodeKind::Ident || (callee.kind == NodeKind::Member && root_of(callee) == "module"));
    if (require || (callee.kind == NodeKind::Ident && name == "import")) {
        const Node* spec = arg(n, 0);
        if (spec == nullptr || !e.string_of(*spec)) {
            return "`" + name + "()` of a module named at run time: pgfence cannot tell which code it loads";
        }
    }
    return {};
}

std::string_view package_of(std::string_view module) {
    if (module.starts_with("node:")) module.remove_prefix(5);
    // Node resolves `pg/lib/client` in the `pg` package's folder and `@scope/name/x` in
    // `@scope/name` (nodejs/node doc/api/modules.md, LOAD_NODE_MODULES / LOAD_PACKAGE_EXPORTS):
    // a path under a package is that package's code.
    std::size_t slash = module.find('/');
    if (module.starts_with("@") && slash != std::string_view::npos) slash = module.find('/', slash + 1);
    return slash == std::string_view::npos ? module : module.substr(0, slash);
}

bool driver_module(std::string_view module) {
    module = package_of(module);
    // PostgreSQL drivers and the clients and query builders on them, and the ways to run psql.
    static const std::string_view k_drivers[] = {
        "pg", "pg-pool", "pg-native", "pg-promise", "postgres", "slonik", "knex", "kysely", "sequelize", "typeorm",
        "@databases/pg", "@neondatabase/serverless", "@vercel/postgres", "@prisma/client", "drizzle-orm", "mikro-orm",
        "@mikro-orm/core", "@mikro-orm/postgresql", "massive", "pg-query-stream", "pg-copy-streams", "child_process",
        "execa", "shelljs", "zx", "cross-spawn",
        // Node's own ways around them: its module loader (`require('module')._load('pg')`,
        // createRequire), raw sockets to the server, workers running code given as a string.
        "module", "net", "tls", "worker_threads"};
    return std::find(std::begin(k_drivers), std::end(k_drivers), module) != std::end(k_drivers) ||
           module.starts_with("@prisma/");
}

bool opens_database(const Import& what) {
    if (!driver_module(what.module)) return false;
    const std::string_view package = package_of(what.module);
    // A migration imports these packages for their types and schema builders too (TypeORM's
    // Table and TableColumn, Sequelize's DataTypes, Knex's types): only the exports that connect
    // count (typeorm/src/index.ts: DataSource, createConnection, getConnection, getManager,
    // getRepository; sequelize/src/index.js: the Sequelize class).
    if (package == "typeorm") {
        static const std::string_view k_connect[] = {"DataSource", "createConnection", "createConnections", "getConnection",
                                                     "getConnectionManager", "getManager", "getRepository",
                                                     "getTreeRepository", "getCustomRepository", "getMongoRepository"};
        return std::find(std::begin(k_connect), std::end(k_connect), what.remote) != std::end(k_connect);
    }
    if (package == "sequelize") return false;  // `new Sequelize(...)` (walker.cpp): its static fn/literal/col do not connect
    if (package == "knex") return what.remote == "*" || what.remote == "default" || what.remote == "knex";
    return true;
}

bool file_opens_database(const std::vector<Token>& t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        // A driver's name compared, not loaded: `case "postgres":`, `type === "postgres"` (a
        // helper switching on TypeORM's database type; grist-core app/gen-server/sqlUtils.ts).
        auto text_at = [&](std::size_t j) { return j < t.size() ? std::string_view(t[j].text) : std::string_view(); };
        static const std::string_view k_compare[] = {"===", "!==", "==", "!="};
        auto compared = [&](std::string_view op) { return std::find(std::begin(k_compare), std::end(k_compare), op) != std::end(k_compare); };
        bool label = i > 0 && t[i - 1].kind == TokenKind::Ident && t[i - 1].text == "case" && text_at(i + 1) == ":";
        if (t[i].kind == TokenKind::String && (label || (i > 0 && compared(t[i - 1].text)) || compared(text_at(i + 1)))) continue;
        if (t[i].kind == TokenKind::String && driver_module(t[i].string.value)) {
            const std::string_view module = package_of(t[i].string.value);
            // `import { QueryRunner } from 'typeorm'` in a helper is a type: only a connecting
            // export, below, counts for TypeORM and Sequelize.
            if (module != "typeorm" && module != "sequelize" && module != "knex") return true;
            if (module == "knex" && i >= 2 && t[i - 1].text == "(" && t[i - 2].text == "require" && i + 2 < t.size() &&
                t[i + 1].text == ")" && t[i + 2].text == "(") {
                return true;  // require('knex')({...})
            }
        }
        if (t[i].kind != TokenKind::Ident) continue;
        bool constructed = i > 0 && t[i - 1].kind == TokenKind::Ident && t[i - 1].text == "new";
        if (constructed && (t[i].text == "DataSource" || t[i].text == "Sequelize" || t[i].text == "Knex")) return true;
        bool called = i + 1 < t.size() && t[i + 1].kind == TokenKind::Punct && t[i + 1].text == "(";
        if (called && (t[i].text == "createConnection" || t[i].text == "getConnection" || t[i].text == "knex" ||
                       t[i].text == "Knex" || t[i].text == "initialize")) {
            return true;
        }
    }
    return false;
}

void declared_names(const Node& n, std::set<std::string, std::less<>>& out, bool params_only) {
    if (n.kind == NodeKind::Func) {
        for (const auto& p : n.params) {
            if (!p.empty()) out.insert(p);
        }
        if (!n.name.empty() && !params_only) out.insert(n.name);
    }
    if (!params_only && (n.context == "const" || n.context == "let")) {
        const Node* target = n.kind == NodeKind::Binary && !n.kids.empty() ? &n.kids[0] : &n;
        if (target->kind == NodeKind::Ident) out.insert(target->name);
        if (target->kind == NodeKind::Object || target->kind == NodeKind::Array) {
            for (const Node& k : target->kids) {
                const Node* name = k.kind == NodeKind::Binary && k.name == "=" && !k.kids.empty() ? &k.kids[0] : &k;
                if (name->kind == NodeKind::Ident) out.insert(name->name);
            }
        }
    }
    for (const Node& k : n.kids) declared_names(k, out, params_only);
}

}  // namespace pgfence::analyze::orm
