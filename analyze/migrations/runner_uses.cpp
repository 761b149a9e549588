#include "analyze/migrations/runner_uses.hpp"

#include <algorithm>
#include <map>
#include <optional>
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
    std::set<std::string_view> self_calls = {};  // calls of `calls` whose promise resolves to the instance itself
    std::set<std::string_view> ctors = {};       // `new <ctor>(...)` makes one
};

struct Tokens {
    std::string_view text;
    const std::vector<Token>& t;
    bool is(std::size_t i, std::string_view s) const { return i < t.size() && t[i].kind != TokenKind::String && t[i].text == s; }
    bool ident(std::size_t i) const { return i < t.size() && t[i].kind == TokenKind::Ident; }
    bool dot(std::size_t i) const { return is(i, ".") || is(i, "?."); }
    std::vector<std::size_t> newlines;  // their offsets: a line is found in log time, however many uses a line has
    Tokens(std::string_view x, const std::vector<Token>& tokens) : text(x), t(tokens) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') newlines.push_back(i);
        }
    }
    int line(std::size_t i) const {
        const std::size_t at = std::min(t[i].begin, text.size());
        return 1 + static_cast<int>(std::lower_bound(newlines.begin(), newlines.end(), at) - newlines.begin());
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

// Each bracket's partner and the innermost open bracket around each token (npos: none), in one pass.
struct Brackets {
    std::vector<std::size_t> match, outer;
    explicit Brackets(const Tokens& k) : match(k.t.size(), std::string::npos), outer(k.t.size(), std::string::npos) {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < k.t.size(); ++i) {
            if (!open.empty()) outer[i] = open.back();
            if (k.is(i, "(") || k.is(i, "[") || k.is(i, "{")) {
                open.push_back(i);
            } else if ((k.is(i, ")") || k.is(i, "]") || k.is(i, "}")) && !open.empty()) {
                match[i] = open.back();
                match[open.back()] = i;
                open.pop_back();
            }
        }
    }
};

// What becomes of a value that is an instance of `api` (red team R83b H7): TypeORM's
// `initialize()` resolves to the data source itself (typeorm 0.3 src/data-source/DataSource.ts:
// `async initialize(): Promise<this> { ... return this }`), so the parameter of its `.then`
// callback, a name it is assigned or destructured to, an element of a `Promise.all` over it and
// a callback's `return` of it are the instance too: those names join `api.locals` (their every
// use is judged), and any other use of the value is unknown at its token.
class Results {
public:
    Results(const Tokens& k, const Brackets& b, Api& api) : k_(k), b_(b), api_(api) {
        const auto& t = k.t;
        // Functions by name, for `.then(run)`: `function run(`, `const run = [async] (` or `= [async] x =>`;
        // a name declared or assigned twice is not followed (the last declaration wins, or a later assignment).
        std::map<std::string, int> bound;
        for (std::size_t i = 1; i + 2 < t.size(); ++i) {
            if (k.is(i - 1, "function") && k.ident(i) && k.is(i + 1, "(")) {
                functions_.emplace(t[i].text, i + 1);
                ++bound[t[i].text];
            }
            if (k.ident(i - 1) && k.is(i, "=") && !(i >= 2 && k.dot(i - 2))) {
                ++bound[t[i - 1].text];
                const std::size_t f = k.is(i + 1, "async") ? i + 2 : i + 1;
                if (i >= 2 && (k.is(i - 2, "const") || k.is(i - 2, "let") || k.is(i - 2, "var")) &&
                    ((k.is(f, "(") || k.is(f, "function")) || (k.ident(f) && k.is(f + 1, "=>")))) {
                    functions_.emplace(t[i - 1].text, f);
                }
            }
        }
        for (const auto& [name, n] : bound) {
            if (n > 1) functions_.erase(name);
        }
    }

    // Follows every `<instance>.<self call>()` and `new <ctor>(...).`; true when that named new instances.
    bool run() {
        const auto& t = k_.t;
        const std::size_t before = api_.locals.size() + api_.members.size();
        seen_.clear();
        callbacks_.clear();
        for (std::size_t i = 0; i + 3 < t.size(); ++i) {
            if (!k_.ident(i)) continue;
            const bool dotted = i > 0 && k_.dot(i - 1);
            if (dotted && i < 2) continue;
            if (k_.dot(i + 1) && k_.ident(i + 2) && api_.self_calls.contains(t[i + 2].text) && k_.plain_args(i + 3, {}) &&
                (dotted ? api_.members.contains(t[i].text) : api_.locals.contains(t[i].text))) {
                value(dotted ? i - 2 : i, b_.match[i + 3], true, 0);
            } else if (api_.ctors.contains(t[i].text) && k_.is(i + 1, "(") && (k_.is(i - 1, "new") || (dotted && i >= 3 && k_.is(i - 3, "new")))) {
                const std::size_t close = b_.match[i + 1];
                if (close != std::string::npos && k_.dot(close + 1)) value(k_.is(i - 1, "new") ? i - 1 : i - 3, close, false, 0);
            }
        }
        return api_.locals.size() + api_.members.size() != before;
    }

    std::vector<std::size_t> flags;    // tokens where the instance goes where pgfence does not follow
    std::set<std::size_t> passed;      // a `return X` that hands the instance on down a `.then` chain

private:
    const Tokens& k_;
    const Brackets& b_;
    Api& api_;
    std::map<std::string, std::size_t> functions_;
    std::size_t budget_ = 0;  // tokens scanned in callback bodies: at most four times the script's
    // Each pass follows a value and reads a callback once (`Promise.all([a.initialize(), b.initialize()])`
    // is one value; a named callback may be handed many times): linear work.
    std::set<std::size_t> seen_;
    std::map<std::size_t, std::optional<bool>> callbacks_;

    void bind(std::size_t from, std::size_t to) {  // the names a parameter list or pattern binds
        for (std::size_t j = from; j < to && j < k_.t.size(); ++j) {
            if (k_.ident(j) && !k_.is(j + 1, ":") && !(j > 0 && k_.dot(j - 1))) api_.locals.insert(k_.t[j].text);
        }
    }

    // The callback a `.then(` hands the instance to, at `at`: its parameters are the instance; true
    // when its body returns one of them (or the instance) as it is, which the chain then carries.
    std::optional<bool> callback(std::size_t at) {
        const auto& t = k_.t;
        std::size_t f = at;
        if (k_.ident(f) && !k_.is(f + 1, "=>") && functions_.contains(t[f].text)) f = functions_.at(t[f].text);
        if (const auto known = callbacks_.find(f); known != callbacks_.end()) return known->second;
        return callbacks_[f] = read_callback(f);
    }

    std::optional<bool> read_callback(std::size_t f) {
        const auto& t = k_.t;
        if (k_.is(f, "async")) ++f;
        if (k_.is(f, "function")) {
            ++f;
            if (k_.ident(f)) ++f;
        }
        std::size_t body;
        if (k_.ident(f) && k_.is(f + 1, "=>")) {
            bind(f, f + 1);
            body = f + 2;
        } else if (k_.is(f, "(") && b_.match[f] != std::string::npos) {
            bind(f + 1, b_.match[f]);
            body = b_.match[f] + 1;
            if (k_.is(body, "=>")) ++body;
        } else {
            return std::nullopt;
        }
        const auto instance = [&](std::size_t j) { return k_.ident(j) && api_.locals.contains(t[j].text) && !(j > 0 && k_.dot(j - 1)); };
        if (!k_.is(body, "{")) {  // an expression body: `ds => ds`
            if (instance(body) && (k_.is(body + 1, ")") || k_.is(body + 1, ","))) {
                passed.insert(body);
                return true;
            }
            return false;
        }
        const std::size_t end = b_.match[body];
        bool returns = false;
        for (std::size_t j = body + 1; end != std::string::npos && j < end && budget_ < 4 * t.size(); ++j, ++budget_) {
            if (k_.is(j, "return") && b_.outer[j] == body && instance(j + 1) && (k_.is(j + 2, ";") || k_.is(j + 2, "}"))) {
                passed.insert(j + 1);
                returns = true;
            }
        }
        return returns;
    }

    // The value t[s..e] is the instance (`promise`: a promise of it, or of an array of them).
    void value(std::size_t s, std::size_t e, bool promise, int depth) {
        const auto& t = k_.t;
        if (e == std::string::npos || depth > 8) {
            flags.push_back(s);
            return;
        }
        if (!seen_.insert(s).second) return;
        // Down its chain: `.then(cb)`, `.catch(...)`, `.finally(...)`, and the instance's own calls.
        for (int n = 0; n < 32 && k_.dot(e + 1) && k_.ident(e + 2) && k_.is(e + 3, "("); ++n) {
            const std::string& m = t[e + 2].text;
            const std::size_t close = b_.match[e + 3];
            if (close == std::string::npos) break;
            if (promise && (m == "catch" || m == "finally")) {
                e = close;
            } else if (promise && m == "then") {
                const std::optional<bool> carries = callback(e + 4);
                if (!carries) flags.push_back(e + 4);
                if (!carries || !*carries) return;  // the chain resolves to what the callback returns
                e = close;
            } else if (!promise && (api_.calls.contains(m) || m == api_.up_call)) {
                if (!(api_.calls.contains(m) ? k_.plain_args(e + 3, {}) : k_.plain_args(e + 3, api_.options))) flags.push_back(e + 2);
                if (!api_.self_calls.contains(m)) return;
                promise = true;
                e = close;
            } else {
                break;
            }
        }
        if (k_.dot(e + 1) || k_.is(e + 1, "[")) {  // a member of it: `(await ds.initialize()).manager`
            flags.push_back(e + 1);
            return;
        }
        // Where the value goes.
        if (s == 0) return;
        std::size_t p = s - 1;
        if (k_.is(p, "await") && p > 0) --p;
        if (k_.is(p, "(") && k_.is(e + 1, ")") && !(p > 0 && (k_.ident(p - 1) || k_.is(p - 1, ")") || k_.is(p - 1, "]")))) {
            value(p, e + 1, false, depth + 1);  // `(await ds.initialize())`
            return;
        }
        if (k_.is(p, "=") && p > 0) {
            if (k_.ident(p - 1) && !(p >= 2 && k_.dot(p - 2))) {
                // `a = b = await ds.initialize()`: each name of the chain.
                for (std::size_t q = p; q >= 1 && k_.is(q, "=") && k_.ident(q - 1) && !(q >= 2 && k_.dot(q - 2)); q = q >= 2 ? q - 2 : 0) {
                    api_.locals.insert(t[q - 1].text);
                }
            } else if ((k_.is(p - 1, "]") || k_.is(p - 1, "}")) && b_.match[p - 1] != std::string::npos) {
                bind(b_.match[p - 1] + 1, p - 1);  // `const [ds] = await Promise.all([...])`, `const { manager } = ...`
            } else {
                flags.push_back(s);
            }
            return;
        }
        if (k_.is(p, "[") || k_.is(p, ",")) {  // `Promise.all([ds.initialize(), ...])` resolves to an array of it
            const std::size_t o = b_.outer[s];
            static const std::set<std::string_view> k_combinators = {"all", "allSettled", "race", "any"};
            if (o != std::string::npos && o >= 4 && k_.is(o, "[") && k_.is(o - 1, "(") && k_.ident(o - 2) && k_combinators.contains(t[o - 2].text) &&
                k_.dot(o - 3) && k_.is(o - 4, "Promise") && b_.match[o] != std::string::npos && k_.is(b_.match[o] + 1, ")")) {
                value(o - 4, b_.match[o] + 1, true, depth + 1);
            } else {
                flags.push_back(s);
            }
            return;
        }
        // A statement of its own, the value dropped: `await ds.initialize();`.
        const bool starts = k_.is(p, ";") || k_.is(p, "{") || k_.is(p, "}") || k_.is(p, ")") || k_.is(p, "else");
        const bool ends = e + 1 >= t.size() || k_.is(e + 1, ";") || k_.is(e + 1, "}") ||
                          (t[e].end < t[e + 1].begin && t[e + 1].begin <= k_.text.size() &&
                           k_.text.substr(t[e].end, t[e + 1].begin - t[e].end).find('\n') != std::string_view::npos);
        if (!(promise && starts && ends)) flags.push_back(s);
    }
};

// The name at i is bound by a destructuring pattern (`const [ds] = ...`, `[a, ds] = ...`) or is a
// function's or method's parameter (`function (ds) {`, `async ([ds]) =>`, `async up({ context }) {`).
bool parameter(const Tokens& k, const Brackets& b, std::size_t i) {
    if (!(k.is(i + 1, ",") || k.is(i + 1, ")") || k.is(i + 1, "]") || k.is(i + 1, "}") || k.is(i + 1, "="))) return false;
    std::size_t o = b.outer[i];
    for (int n = 0; n < 8 && o != std::string::npos && (k.is(o, "[") || k.is(o, "{")); ++n) {
        if (k.is(b.match[o] + 1, "=") || (o > 0 && (k.is(o - 1, "const") || k.is(o - 1, "let") || k.is(o - 1, "var")))) return true;
        o = b.outer[o];
    }
    if (o == std::string::npos || !k.is(o, "(") || b.match[o] == std::string::npos) return false;
    if (k.is(b.match[o] + 1, "=>") || (o >= 1 && k.is(o - 1, "function")) || (o >= 2 && k.ident(o - 1) && k.is(o - 2, "function"))) return true;
    // A method of an object literal or a class (`{ async up({ context }) {`), not a call that a
    // block follows (`hand(ds)` and `{}` on the next line).
    if (o < 2 || !k.ident(o - 1) || !k.is(b.match[o] + 1, "{")) return false;
    std::size_t before = o - 2;
    static const std::set<std::string_view> k_modifiers = {"async", "get", "set", "static", "*"};
    while (before > 0 && k.t[before].kind != TokenKind::String && k_modifiers.contains(k.t[before].text)) --before;
    const std::size_t body = b.outer[o];
    if (body == std::string::npos || !k.is(body, "{") || body < 1) return false;
    if (before == body || k.is(before, ",")) {
        static const std::set<std::string_view> k_value = {"(", "[", ",", ":", "=", "return", "?", "||", "&&", "??"};
        if (k.t[body - 1].kind != TokenKind::String && k_value.contains(k.t[body - 1].text)) return true;  // an object literal
    }
    for (std::size_t j = body - 1, n = 0; n < 4 && j > 0; --j, ++n) {  // a class body: `class A extends B {`
        if (k.is(j, "class")) return before == body || k.is(before, "}") || k.is(before, ";");
    }
    return false;
}

// `X.<property>` at i reads a plain value of a TypeORM data source and sends nothing (typeorm 0.3
// DataSource.d.ts): `.isInitialized`, `.name`, a setting `.options.<leaf>`, the driver's
// `.driver.database`/`.version`/`.schema`, `.migrations.length`, `.entityMetadatas.length`; not
// called, indexed, assigned or read further. The objects themselves are not: an EntityMetadata's
// and the driver's `connection` is the data source, and the options and migrations arrays are
// what initialize() and runMigrations() read, which a function they are handed to may change.
bool reads_nothing(const Tokens& k, const Brackets& b, std::size_t i) {
    static const std::map<std::string_view, std::set<std::string_view>> k_reads = {
        {"isInitialized", {}},
        {"name", {}},
        {"options", {"type", "database", "host", "port", "username", "schema", "url", "name", "applicationName", "migrationsTableName",
                     "migrationsTransactionMode", "logging", "synchronize", "migrationsRun", "dropSchema"}},
        {"driver", {"database", "version", "schema"}},
        {"migrations", {"length"}},
        {"entityMetadatas", {"length"}},
    };
    if (!k.dot(i + 1) || !k.ident(i + 2)) return false;
    const auto read = k_reads.find(k.t[i + 2].text);
    if (read == k_reads.end()) return false;
    std::size_t end = i + 2;
    if (!read->second.empty()) {
        if (!k.dot(end + 1) || !k.ident(end + 2) || !read->second.contains(k.t[end + 2].text)) return false;
        end += 2;
    }
    // Not a call, an index, a further member, nor an assignment's target (`= true`, `||=`, which lexes
    // as `||` `=`, `++`, `for (... of`), also through parentheses or a pattern: `(X.options.dropSchema)
    // = true` and `[X.options.dropSchema] = [true]` set what initialize() then does.
    static const std::set<std::string_view> k_after = {".", "?.", "(", "[", "=", "+=", "-=", "*=", "/=", "++", "--", "of", "in"};
    static const std::set<std::string_view> k_separators = {")", "]", "}", ",", ";", ":", "?"};
    const auto assigned = [&](std::size_t n) {
        return n < k.t.size() && k.t[n].kind != TokenKind::String &&
               (k_after.contains(k.t[n].text) || (k.is(n + 1, "=") && k.t[n].kind == TokenKind::Punct && !k_separators.contains(k.t[n].text)));
    };
    if (assigned(end + 1) || (i > 0 && (k.is(i - 1, "++") || k.is(i - 1, "--") || k.is(i - 1, "delete")))) return false;
    std::size_t o = b.outer[i];
    for (int n = 0; n < 8 && o != std::string::npos && b.match[o] != std::string::npos; ++n, o = b.outer[o]) {
        if (k.is(b.match[o] + 1, "=") || (k.is(o, "(") && o > 0 && k.is(o - 1, "for"))) return false;
        if (!k.is(o, "(") && !k.is(o, "[") && !k.is(o, "{")) break;
    }
    return true;
}

bool loads_any(const std::vector<Token>& t, std::initializer_list<std::string_view> packages) {
    for (const orm::ModuleLoad& l : orm::module_loads(t)) {
        if (std::find(packages.begin(), packages.end(), orm::package_of(l.spec)) != packages.end()) return true;
    }
    return false;
}

// Sequelize's instance handed to umzug as it should be: `context: X.getQueryInterface()` (what
// umzug gives each migration, read as queryInterface) and `new SequelizeStorage({ sequelize: X })`.
// umzug 3 takes the context as a value or a function that returns it (src/types.ts: `context?: Ctx |
// (() => Promise<Ctx> | Ctx)`): `context: () => X.getQueryInterface()` is the same.
bool sequelize_for_umzug(const Tokens& k, std::size_t i) {
    std::size_t c = i - 1;
    if (k.is(c, "=>") && c >= 2 && k.is(c - 1, ")") && k.is(c - 2, "(")) c -= 3;
    if (k.is(c, "async")) --c;
    if (k.is(c, ":") && c >= 1 && k.is(c - 1, "context") && k.dot(i + 1) && k.is(i + 2, "getQueryInterface") && k.is(i + 3, "(") &&
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
    const Tokens k(text, t);
    const Brackets b(k);
    std::vector<Api> apis;
    // TypeORM 0.3 (typeorm/typeorm src/data-source/DataSource.ts): runMigrations(options?:
    // { transaction?: "all" | "none" | "each", fake?: boolean }) runs the pending migrations up
    // (MigrationExecutor.executePendingMigrations); initialize(), showMigrations() and destroy()
    // run none. undoLastMigration(), synchronize(), dropDatabase(), query(), manager,
    // createQueryRunner() and the rest send what pgfence does not read.
    if (loads_any(t, {"typeorm"}) || calls_typeorm_migrator(t)) {
        Api a{"TypeORM data source", {}, {}, {"initialize", "destroy", "showMigrations"}, {"transaction", "fake"}, "runMigrations",
              "`.initialize()`, `.runMigrations()` (with at most literal `transaction`/`fake`), `.showMigrations()`, `.destroy()` and "
              "reading a plain setting (`.options.database`, `.isInitialized`)", {"initialize"}, {"DataSource", "Connection"}};
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
        a.ctors = {"Sequelize"};
        // What umzug hands a migration or hook (`up({ context })`, `({ context: qi }) =>`, `params.context`)
        // is the query interface: a migration written in the runner is not one pgfence reads.
        if (loads_any(t, {"umzug"})) {
            for (std::size_t i = 0; i + 2 < t.size(); ++i) {
                if (!k.is(i, "context") || k.t[i].kind != TokenKind::Ident) continue;
                if (i > 0 && k.dot(i - 1)) a.members.insert("context");
                else if (k.is(i + 1, ":") && k.ident(i + 2) && parameter(k, b, i + 2)) a.locals.insert(t[i + 2].text);
                else if (parameter(k, b, i)) a.locals.insert(t[i].text);
            }
        }
        apis.push_back(std::move(a));
    }
    // umzug 3 (sequelize/umzug src/umzug.ts): up(options) runs the pending migrations unless its
    // options name them, a `to` or a `step`, or `rerun`; down(), runCommand() and create() do more.
    // Its `migrations.glob` is not a folder pgfence reads: loading umzug stays unknown
    // (tool_runner_code); this names each further use at its line.
    if (loads_any(t, {"umzug"})) {
        Api a{"umzug migrator", {}, {}, {"pending", "executed"}, {}, "up", "`.up()` with no argument, `.pending()` and `.executed()`"};
        a.ctors = {"Umzug"};
        constructed(k, "Umzug", "", a.locals);
        apis.push_back(std::move(a));
    }
    std::set<int> lines;
    for (Api& api : apis) {
        // The names its calls' results bind (TypeORM's `.then((ds) => ...)`), until no new one.
        Results results(k, b, api);
        for (int pass = 0; pass < 4 && results.run(); ++pass) {
        }
        std::sort(results.flags.begin(), results.flags.end());
        for (std::size_t i : results.flags) {
            if (out.size() >= 64 || i >= t.size()) break;
            if (!lines.insert(k.line(i)).second) continue;
            out.emplace_back(k.line(i), ", and hands on a " + api.what + " where pgfence does not follow it (a member of `.initialize()`'s "
                                        "promise or of an unnamed `new`, a function's argument, a returned value): what is done with it is "
                                        "not a migration pgfence reads");
        }
        for (std::size_t i = 0; i < t.size() && out.size() < 64; ++i) {
            if (!k.ident(i)) continue;
            const bool dotted = i > 0 && k.dot(i - 1);
            if (!(dotted ? api.members.contains(t[i].text) : api.locals.contains(t[i].text))) continue;
            if (!dotted && (k.binding(i) || parameter(k, b, i) || results.passed.contains(i))) continue;
            if (api.what.starts_with("TypeORM") && reads_nothing(k, b, i)) continue;
            if (!dotted && k.is(i + 1, ":") && (k.is(i - 1, "{") || k.is(i - 1, ","))) continue;  // an object's key
            if (k.dot(i + 1) && k.ident(i + 2)) {
                const std::string& m = t[i + 2].text;
                if (api.calls.contains(m) && k.plain_args(i + 3, {})) continue;
                if (m == api.up_call && k.plain_args(i + 3, api.options)) continue;
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
