#include "analyze/migrations/runner_uses.hpp"

#include <algorithm>
#include <set>

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/module_writes.hpp"

namespace pgfence::analyze::tools {
namespace {

using orm::Token;
using orm::TokenKind;

// The objects of one library a runner drives, and what it may do with them.
struct Api {
    std::string what;                     // "TypeORM data source"
    std::set<std::string> locals;         // names bound in the script (`const ds = new DataSource(...)`)
    std::set<std::string> members;        // names reached as a member (`db.sequelize`): their dotted uses count too
    std::set<std::string_view> calls;     // members that may be called with no argument
    std::set<std::string_view> options;   // keys a plain object argument of `up_call` may hold (literal values)
    std::string_view up_call;             // the migrate-up call
    std::string_view allowed_text;        // for the message
};

struct Tokens {
    std::string_view text;
    const std::vector<Token>& t;
    bool is(std::size_t i, std::string_view s) const { return i < t.size() && t[i].kind != TokenKind::String && t[i].text == s; }
    bool ident(std::size_t i) const { return i < t.size() && t[i].kind == TokenKind::Ident; }
    bool dot(std::size_t i) const { return is(i, ".") || is(i, "?."); }
    int line(std::size_t i) const {
        const std::size_t at = std::min(t[i].begin, text.size());
        return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    }
    // `(` at i followed by `)`, or by one object literal of `keys` with literal values and `)`.
    bool plain_args(std::size_t i, const std::set<std::string_view>& keys) const {
        if (!is(i, "(")) return false;
        if (is(i + 1, ")")) return true;
        if (keys.empty() || !is(i + 1, "{")) return false;
        std::size_t j = i + 2;
        for (std::size_t n = 0; n < 16 && !is(j, "}"); ++n) {
            if (!ident(j) || !keys.contains(t[j].text) || !is(j + 1, ":")) return false;
            const Token& v = t[j + 2 < t.size() ? j + 2 : t.size() - 1];
            if (!(v.kind == TokenKind::String || v.kind == TokenKind::Number || v.text == "true" || v.text == "false")) return false;
            j += 3;
            if (is(j, ",")) ++j;
        }
        return is(j, "}") && is(j + 1, ")");
    }
    // The name at i is bound here, not used: a declaration or assignment (`X =`, `const X`), an
    // import or destructuring (`{ A, B: X } = require(...)`, `import X from`), an arrow's parameter.
    bool binding(std::size_t i) const {
        if (i > 0 && (is(i - 1, "const") || is(i - 1, "let") || is(i - 1, "var") || is(i - 1, "import") || is(i - 1, "function"))) return true;
        if (is(i + 1, "=>") || (is(i + 1, ")") && is(i + 2, "=>"))) return true;
        bool braced = false;
        for (std::size_t j = i + 1, n = 0; j < t.size() && n < 64; ++j, ++n) {
            if (is(j, "=") || is(j, "from")) return j == i + 1 || braced;
            if (is(j, "}")) braced = true;
            else if (!(ident(j) || is(j, ",") || is(j, ":"))) return false;
        }
        return false;
    }
};

// Names assigned from `new <ctor>(` or `new <x>.<ctor>(` (`await` allowed), and from `<factory>(`.
void constructed(const Tokens& k, std::string_view ctor, std::string_view factory, std::set<std::string>& into) {
    const auto& t = k.t;
    for (std::size_t i = 2; i < t.size(); ++i) {
        if (!k.ident(i) || (t[i].text != ctor && (factory.empty() || t[i].text != factory)) || !k.is(i + 1, "(")) continue;
        std::size_t j = i - 1;
        if (k.dot(j) && j >= 2 && k.ident(j - 1)) j -= 2;
        if (t[i].text == ctor ? !k.is(j, "new") : false) continue;
        if (k.is(j, "new") && j > 0) --j;
        if (k.is(j, "await") && j > 0) --j;
        if (k.is(j, "=") && j > 0 && k.ident(j - 1)) into.insert(t[j - 1].text);
    }
}

// Names X with `X.<m>` for a member m of `marks` (and the member names when X is itself a member).
void marked(const Tokens& k, const std::set<std::string_view>& marks, Api& api) {
    const auto& t = k.t;
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (!k.ident(i) || !k.dot(i + 1) || !k.ident(i + 2) || !marks.contains(t[i + 2].text)) continue;
        if (t[i].text == "this") continue;
        (i > 0 && k.dot(i - 1) ? api.members : api.locals).insert(t[i].text);
    }
}

// `Y = [await] X.<m>(...)` for an instance X: Y is one too (TypeORM's initialize() returns the data source).
void returned(const Tokens& k, std::string_view m, Api& api) {
    const auto& t = k.t;
    for (std::size_t i = 2; i + 2 < t.size(); ++i) {
        if (!k.ident(i) || !api.locals.contains(t[i].text) || !k.dot(i + 1) || !k.is(i + 2, m)) continue;
        std::size_t j = i - 1;
        if (k.is(j, "await") && j > 0) --j;
        if (k.is(j, "=") && j > 0 && k.ident(j - 1)) api.locals.insert(t[j - 1].text);
    }
}

bool loads_any(const std::vector<Token>& t, std::initializer_list<std::string_view> packages) {
    for (const orm::ModuleLoad& l : orm::module_loads(t)) {
        if (std::find(packages.begin(), packages.end(), orm::package_of(l.spec)) != packages.end()) return true;
    }
    return false;
}

// Sequelize's instance handed to umzug as it should be: `context: X.getQueryInterface()` (what
// umzug gives each migration, read as queryInterface) and `new SequelizeStorage({ sequelize: X })`.
bool sequelize_for_umzug(const Tokens& k, std::size_t i) {
    if (k.is(i - 1, ":") && i >= 2 && k.is(i - 2, "context") && k.dot(i + 1) && k.is(i + 2, "getQueryInterface") && k.is(i + 3, "(") &&
        k.is(i + 4, ")")) {
        return true;
    }
    std::size_t j = i - 1;
    if (k.is(j, ":") && j >= 1 && k.is(j - 1, "sequelize")) j -= 2;
    return i >= 4 && j >= 2 && k.is(j, "{") && k.is(j - 1, "(") && k.is(j - 2, "SequelizeStorage") && (k.is(i + 1, "}") || k.is(i + 1, ","));
}

}  // namespace

bool calls_typeorm_migrator(const std::vector<Token>& t) {
    for (std::size_t i = 2; i + 1 < t.size(); ++i) {
        if (t[i].kind == TokenKind::Ident && (t[i].text == "runMigrations" || t[i].text == "undoLastMigration") &&
            (t[i - 1].text == "." || t[i - 1].text == "?.") && t[i - 2].kind == TokenKind::Ident && t[i + 1].text == "(") {
            return true;
        }
    }
    return false;
}

std::vector<std::pair<int, std::string>> orm_runner_uses(std::string_view text, const std::vector<Token>& t) {
    std::vector<std::pair<int, std::string>> out;
    const Tokens k{text, t};
    std::vector<Api> apis;
    // TypeORM 0.3 (typeorm/typeorm src/data-source/DataSource.ts): runMigrations(options?:
    // { transaction?: "all" | "none" | "each", fake?: boolean }) runs the pending migrations up
    // (MigrationExecutor.executePendingMigrations); initialize(), showMigrations() and destroy()
    // run none. undoLastMigration(), synchronize(), dropDatabase(), query(), manager,
    // createQueryRunner() and the rest send what pgfence does not read.
    if (loads_any(t, {"typeorm"}) || calls_typeorm_migrator(t)) {
        Api a{"TypeORM data source", {}, {}, {"initialize", "destroy", "showMigrations"}, {"transaction", "fake"}, "runMigrations",
              "`.initialize()`, `.runMigrations()` (with at most literal `transaction`/`fake`), `.showMigrations()` and `.destroy()`"};
        constructed(k, "DataSource", "", a.locals);
        constructed(k, "Connection", "createConnection", a.locals);
        marked(k, {"runMigrations", "undoLastMigration", "initialize"}, a);
        for (int pass = 0; pass < 2; ++pass) returned(k, "initialize", a);
        apis.push_back(std::move(a));
    }
    // Sequelize 6 (sequelize/sequelize src/sequelize.js): query(), sync(), drop(), truncate(),
    // getQueryInterface().dropTable() and the models send SQL of their own; authenticate() and
    // close() send none. The instance runs migrations only through umzug (its context and storage).
    if (loads_any(t, {"sequelize", "@sequelize/core", "umzug"})) {
        Api a{"Sequelize instance", {}, {}, {"authenticate", "close"}, {}, "", "`.authenticate()`, `.close()`, and umzug's "
              "`context: <x>.getQueryInterface()` and `new SequelizeStorage({ sequelize })`"};
        constructed(k, "Sequelize", "", a.locals);
        a.locals.insert("sequelize");  // `const { sequelize } = require("./models")`, sequelize-cli's models/index.js export
        marked(k, {"getQueryInterface", "authenticate", "sync"}, a);
        apis.push_back(std::move(a));
    }
    // umzug 3 (sequelize/umzug src/umzug.ts): up(options) runs the pending migrations unless its
    // options name them, a `to` or a `step`, or `rerun`; down(), runCommand() and create() do more.
    // Its `migrations.glob` is not a folder pgfence reads: loading umzug stays unknown
    // (tool_runner_code); this names each further use at its line.
    if (loads_any(t, {"umzug"})) {
        Api a{"umzug migrator", {}, {}, {"pending", "executed"}, {}, "up", "`.up()` with no argument, `.pending()` and `.executed()`"};
        constructed(k, "Umzug", "", a.locals);
        apis.push_back(std::move(a));
    }
    std::set<int> lines;
    for (const Api& api : apis) {
        for (std::size_t i = 0; i < t.size() && out.size() < 64; ++i) {
            if (!k.ident(i)) continue;
            const bool dotted = i > 0 && k.dot(i - 1);
            if (!(dotted ? api.members.contains(t[i].text) : api.locals.contains(t[i].text))) continue;
            if (!dotted && k.binding(i)) continue;
            if (!dotted && k.is(i + 1, ":") && (k.is(i - 1, "{") || k.is(i - 1, ","))) continue;  // an object's key
            if (k.dot(i + 1) && k.ident(i + 2)) {
                const std::string& m = t[i + 2].text;
                if (api.calls.contains(m) && k.plain_args(i + 3, {})) continue;
                if (m == api.up_call && k.plain_args(i + 3, api.options)) continue;
                if (m == "isInitialized" && api.what.starts_with("TypeORM") && !k.is(i + 3, "=")) continue;
            }
            if (api.what.starts_with("Sequelize") && sequelize_for_umzug(k, i)) continue;
            const int line = k.line(i);
            if (!lines.insert(line).second) continue;
            out.emplace_back(line, ", and uses the " + api.what + " '" + t[i].text + "' other than for " + std::string(api.allowed_text) +
                                       " (a query, another migrator verb, options, a computed member, handing it elsewhere): what that "
                                       "sends is not a migration pgfence reads");
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
