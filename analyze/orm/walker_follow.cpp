// The walker's reach beyond up()'s own lines (walker_impl.hpp): helpers of the file and of the
// repository followed with the runner bound, the runner escaping into storage it does not read,
// handles derived from the runner, and database connections the script opens itself.
#include "analyze/orm/walker_impl.hpp"

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/export_writes.hpp"
#include "analyze/orm/js_numbers.hpp"

#include <algorithm>
#include <filesystem>

namespace pgfence::analyze::orm::detail {

namespace {
// Why the runner handed to `func` at argument `i` may reach code the follow does not bind: no
// parameter of its own, a pattern, a rest parameter at or before it, or a default value that is
// not a plain literal (the parse keeps no defaults: `(s, t = s) => t.dropTable(...)`, red team
// R82b B3); "" when none. Reads the parameter list's tokens only.
std::string params_unread(std::string_view text, const Node& func, const std::vector<std::size_t>& handed) {
    std::vector<Token> tokens = lex_js(text, std::min(func.begin, text.size()), std::min(func.end, text.size()));
    std::size_t k = 0;
    for (int depth = 0; k < tokens.size(); ++k) {  // the list's '(', past a computed key `[...]`
        const Token& t = tokens[k];
        if (t.kind != TokenKind::Punct) continue;
        if (t.text == "(" && depth == 0) break;
        if (t.text == "[" || t.text == "(" || t.text == "{") ++depth;
        if (t.text == "]" || t.text == ")" || t.text == "}") --depth;
        if (t.text == "=>" || (t.text == "{" && depth == 1)) return {};  // `s => ...`, or no list found
    }
    std::size_t param = 0, rest = std::string::npos;
    bool in_default = false;
    std::string why;
    for (int depth = 0; ++k < tokens.size();) {
        const Token& t = tokens[k];
        bool punct = t.kind == TokenKind::Punct;
        if (punct && (t.text == "(" || t.text == "[" || t.text == "{")) ++depth;
        if (punct && (t.text == ")" || t.text == "]" || t.text == "}") && depth-- == 0) break;
        if (depth != 0) {
            if (in_default && t.kind == TokenKind::Ident) why = "a parameter's default value";
            continue;
        }
        if (punct && t.text == ",") {
            ++param;
            in_default = false;
        } else if (punct && t.text == "...") {
            rest = std::min(rest, param);
        } else if (punct && t.text == "=") {
            in_default = true;
        } else if (in_default && t.kind != TokenKind::Number && t.kind != TokenKind::String && t.text != "-" &&
                   t.text != "true" && t.text != "false" && t.text != "null" && t.text != "undefined" &&
                   t.text != "[" && t.text != "]" && t.text != "{" && t.text != "}" && t.text != ":") {
            why = "a parameter's default value";  // runs in the callee with its parameters in scope
        }
    }
    for (std::size_t i : handed) {
        if (i >= func.params.size()) return "an argument with no parameter of its own";
        if (func.params[i].empty()) return "a destructuring parameter";
        if (rest != std::string::npos && i >= rest) return "a rest parameter";
    }
    return why;
}
}  // namespace

const Node* Walker::awaited_handle(const Node& value) const {
    if (value.kind != NodeKind::Unary || value.name != "await" || value.kids.empty()) return nullptr;
    return handle_of_call(value.kids[0]);
}

const Node* Walker::handle_of_call(const Node& c) const {
    if (c.kind != NodeKind::Call || c.kids.empty() || !rooted(c)) return nullptr;
    if (m_format == InputFormat::Knex) {
        // knex.transaction() without a callback, and the function knex.transactionProvider()
        // returns, called (knex/lib/knex-builder/make-knex.js): the transaction.
        const Node& callee = c.kids[0];
        bool provider = callee.kind == NodeKind::Call && !callee.kids.empty() && callee.kids[0].kind == NodeKind::Member &&
                        callee.kids[0].name == "transactionProvider";
        bool transaction = callee.kind == NodeKind::Member && callee.name == "transaction";
        for (std::size_t i = 1; transaction && i < c.kids.size(); ++i) transaction = c.kids[i].kind != NodeKind::Func;
        if (!provider && !transaction) return nullptr;
        const Node* at = &c;
        while (!at->kids.empty() && at->kind != NodeKind::Ident) at = &at->kids[0];
        return at;
    }
    if (c.kids[0].kind != NodeKind::Member) return nullptr;
    const std::string& m = c.kids[0].name;
    // (Sequelize's `await sequelize.transaction()` is a Transaction, which sends nothing but
    // its COMMIT or ROLLBACK: not a handle.)
    static const std::string_view k_handles[] = {"createQueryRunner", "getRepository", "getTreeRepository",
                                                 "getCustomRepository", "getMongoRepository", "withRepository",
                                                 "getQueryInterface"};
    return std::find(std::begin(k_handles), std::end(k_handles), m) != std::end(k_handles) ? &c : nullptr;
}

const Node* Walker::returned_runner(const Node& value) const {
    const Node* c = &value;
    if (c->kind == NodeKind::Unary && c->name == "await" && !c->kids.empty()) c = &c->kids[0];
    if (c->kind != NodeKind::Call || c->kids.empty()) return nullptr;
    std::string cls;
    const Node* func = resolve(c->kids[0], cls);
    if (func == nullptr) return nullptr;
    auto cached = m_returns.find(func);
    if (cached == m_returns.end()) {
        // The names after `return` or `=>` in its text (the parse keeps no return statements),
        // found once per function: linear in the file however often it is called.
        std::set<std::string, std::less<>> names;
        std::vector<Token> tokens = lex_js(m_text, std::min(func->begin, m_text.size()), std::min(func->end, m_text.size()));
        for (std::size_t t = 0; t + 1 < tokens.size(); ++t) {
            bool returns = (tokens[t].kind == TokenKind::Ident && tokens[t].text == "return") ||
                           (tokens[t].kind == TokenKind::Punct && tokens[t].text == "=>");
            if (returns && tokens[t + 1].kind == TokenKind::Ident) names.insert(tokens[t + 1].text);
        }
        cached = m_returns.emplace(func, std::move(names)).first;
    }
    for (std::size_t i = 0; i < func->params.size(); ++i) {
        const Node* a = arg(*c, i);
        const std::string& p = func->params[i];
        if (p.empty() || a == nullptr || !hands_runner(*a) || cached->second.count(p) == 0) continue;
        const Node* at = a;
        while (!at->kids.empty() && at->kind != NodeKind::Ident) at = &at->kids[0];
        return at;
    }
    return nullptr;
}

void Walker::escape(const Node& assignment) {
    const Node& left = assignment.kids[0];
    auto local = [&](const std::string& name) {
        return assignment.context == "const" || assignment.context == "let" ||
               (!m_locals.empty() && m_locals.back().count(name) != 0);
    };
    if (left.kind == NodeKind::Object || left.kind == NodeKind::Array) {
        // `({ query: shared } = queryRunner)`: each name it is destructured into.
        for (const Node& k : left.kids) {
            const Node* target = k.kind == NodeKind::Binary && k.name == "=" && !k.kids.empty() ? &k.kids[0] : &k;
            if (target->kind == NodeKind::Ident && local(target->name)) continue;
            unknown(assignment, m_e.source(left), "the migration's runner is destructured into `" + shown(m_e.source(*target)) +
                                                      "`, which this function does not declare; code that uses it from there is not followed");
            return;
        }
        return;
    }
    if (left.kind == NodeKind::Ident && local(left.name)) return;
    if (left.kind == NodeKind::Member && !left.kids.empty() && left.kids[0].kind == NodeKind::Ident && left.kids[0].name == "this") return;
    std::string where = left.kind == NodeKind::Ident ? "`" + shown(left.name) + "`, a variable this function does not declare"
                                                     : "`" + shown(m_e.source(left)) + "`";
    unknown(assignment, m_e.source(left), "the migration's runner is stored in " + where +
                                              "; code that uses it from there (called without the runner) is not followed");
}

bool Walker::foreign(const Node& n) const {
    const Node* at = &n;
    while ((at->kind == NodeKind::Unary || at->kind == NodeKind::New) && !at->kids.empty()) at = &at->kids[0];
    const std::string& r = root_of(*at);
    if (r.empty() || rooted(*at)) return false;
    if (m_foreign_local.count(r) != 0) return true;
    return m_foreign.count(r) != 0 && (m_params.empty() || m_params.back().count(r) == 0);  // a parameter hides it
}

bool Walker::require_value(const Node& value) const {
    const Node* v = &value;
    while (v->kind == NodeKind::Unary && !v->kids.empty()) v = &v->kids[0];  // await, parentheses
    if (v->kind == NodeKind::Ident) return v->name == "require" || m_require_alias.count(v->name) != 0;
    if (v->kind == NodeKind::Member) return v->name == "require" || v->name == "_load";
    if (v->kind == NodeKind::Call && !v->kids.empty()) {
        const Node& callee = v->kids[0];
        return (callee.kind == NodeKind::Ident || callee.kind == NodeKind::Member) &&
               (callee.name == "createRequire" || callee.name == "createRequireFromPath");
    }
    return false;
}

std::string Walker::other_require(const Node& call) const {
    if (call.kind != NodeKind::Call || call.kids.empty()) return {};
    const Node& callee = call.kids[0];
    bool plain = callee.kind == NodeKind::Ident && callee.name == "require";
    if (plain || !require_value(callee)) return {};
    // module.require, require.main.require, process.mainModule.require, Module._load and a
    // function createRequire() made (nodejs/node lib/internal/modules/cjs/loader.js) load any
    // module by name as require() does, under a name pgfence does not read as require().
    return "`" + shown(m_e.source(callee)) + "()` loads a module as require() does, under another name: which module it loads and what that "
           "sends (a database driver, a program) is not followed";
}

bool Walker::opened(const Node& n) {
    std::string name = dotted_name(n.kids[0]);
    if (name.empty()) name = m_e.source(n.kids[0]);
    std::string why = dynamic_code(n, m_e);
    if (why.empty()) why = other_require(n);
    const Node& callee = n.kids[0];
    bool connects = (n.kind == NodeKind::New && (callee.name == "DataSource" || callee.name == "Sequelize")) ||
                    (n.kind == NodeKind::Call && (callee.name == "createConnection" || callee.name == "createConnections")) ;
    if (why.empty() && n.kind == NodeKind::Call && callee.kind == NodeKind::Ident && (callee.name == "require" || callee.name == "import")) {
        auto module = arg(n, 0) ? m_e.string_of(*arg(n, 0)) : std::nullopt;
        if (module && driver_module(*module)) {
            why = "`" + callee.name + "('" + shown(*module) + "')` loads a database driver or a way to run programs inside the migration: what it sends is not its runner's, and pgfence does not read it";
        }
    }
    // A helper handed the runner is followed into its file instead (its own connections are
    // judged there).
    bool passes = false;
    for (std::size_t i = 1; i < n.kids.size(); ++i) passes = passes || hands_runner(n.kids[i]);
    if (why.empty() && ((foreign(callee) && !passes) || (connects && !rooted(callee)))) {
        auto it = m_imported.find(root_of(n.kids[0]));
        why = "`" + shown(name) + "()` uses a database connection or program the migration opens itself (or one pgfence cannot rule out)" +
              (it != m_imported.end() ? " (from '" + shown(it->second.module) + "')" : std::string()) +
              ", not its runner: pgfence does not read what it sends";
    }
    if (why.empty()) return false;
    unknown(n, name, why);
    for (std::size_t i = 1; i < n.kids.size(); ++i) visit(n.kids[i], true);
    return true;
}

void Walker::find_foreign(const std::vector<Node>& nodes) {
    for (const auto& [local, what] : m_imported) {
        if (opens_database(what)) {
            m_foreign.insert(local);
            continue;
        }
        if (m_path.empty() || what.module.empty()) continue;
        auto file = resolve_import(m_path, what.module);  // a relative path or a path alias
        if (file && module_opens_database(*file, 2)) m_foreign.insert(local);
    }
    for (const Node& n : nodes) {
        if (n.kind == NodeKind::Binary && n.name == "=" && n.kids.size() == 2 && n.kids[0].kind == NodeKind::Ident &&
            foreign(n.kids[1])) {
            m_foreign.insert(n.kids[0].name);
        }
        // `const pg = r('pg')`, `const { Client } = module.require('pg')`, `require.call(null, 'pg')`
        // at the module's top: what they load is not known, so what uses it is not the runner.
        if (n.kind != NodeKind::Binary || n.name != "=" || n.kids.size() != 2) continue;
        const Node* right = &n.kids[1];
        while ((right->kind == NodeKind::Unary || right->kind == NodeKind::Member) && !right->kids.empty()) right = &right->kids[0];
        bool via_call = right->kind == NodeKind::Call && !right->kids.empty() && right->kids[0].kind == NodeKind::Member &&
                        (right->kids[0].name == "call" || right->kids[0].name == "apply") && !right->kids[0].kids.empty() &&
                        require_value(right->kids[0].kids[0]);
        if (!via_call && other_require(*right).empty()) continue;
        const Node& left = n.kids[0];
        if (left.kind == NodeKind::Ident) m_foreign.insert(left.name);
        for (const Node& k : left.kids) {
            const Node* target = k.kind == NodeKind::Binary && k.name == "=" && !k.kids.empty() ? &k.kids[0] : &k;
            if (left.kind == NodeKind::Object && target->kind == NodeKind::Ident) m_foreign.insert(target->name);
        }
    }
}

bool Walker::module_opens_database(const std::string& path, int depth) {
    auto known = m_opens.find(path);
    if (known != m_opens.end()) return known->second;
    m_opens[path] = false;  // while it is read: an import cycle adds nothing
    // A module past what pgfence reads in all is not known not to open one: counted as opening.
    if (m_budget.work >= m_budget.work_limit) return m_opens[path] = true;
    auto text = read_limited(path, m_budget.work_limit - m_budget.work);
    if (!text) return m_opens[path] = true;
    m_budget.work += text->size();
    std::vector<Token> tokens = lex_js(*text);
    if (file_opens_database(tokens)) return m_opens[path] = true;
    // A module whose text pgfence stops reading (Token::unreadable) is not known not to open one.
    if (!tokens.empty() && !tokens.back().unreadable.empty()) return m_opens[path] = true;
    if (depth == 0) return false;
    // models/user.js requiring './index', which opens the connection.
    for (const auto& [name, what] : imported_names(tokens)) {
        if (what.module.empty()) continue;
        auto file = resolve_import(path, what.module);
        if (file && module_opens_database(*file, depth - 1)) return m_opens[path] = true;
    }
    return false;
}

bool Walker::split_conditional(const Node& n) {
    for (std::size_t i = 1; i < n.kids.size(); ++i) {
        const Node& c = n.kids[i];
        if (c.kind != NodeKind::Other || c.name != "?:" || c.kids.size() != 3) continue;
        if (!m_e.string_of(c.kids[1]) || !m_e.string_of(c.kids[2])) continue;
        std::size_t line = line_of(c.begin);
        visit_kid(c, 0, false);
        m_splitting = true;
        for (std::size_t branch = 1; branch <= 2; ++branch) {
            Node copy = n;
            copy.kids[i] = c.kids[branch];
            std::size_t mark = m_e.piece_count();
            call(copy);
            m_e.note_since(mark, std::string(branch == 1 ? "the first" : "the second") + " branch of the conditional at line " +
                                     std::to_string(line) + ": pgfence analyses each branch as a statement, one of them runs");
        }
        m_splitting = false;
        return true;
    }
    return false;
}

std::size_t Walker::line_of(std::size_t offset) const {
    auto end = m_text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, m_text.size()));
    return 1 + static_cast<std::size_t>(std::count(m_text.begin(), end, '\n'));
}

const Node* Walker::resolve(const Node& callee, std::string& cls) const {
    if (callee.kind == NodeKind::Ident) {
        auto it = m_functions.find(callee.name);
        return it == m_functions.end() || callee.name == "up" || callee.name == "down" ? nullptr : it->second;
    }
    if (callee.kind != NodeKind::Member || callee.kids.empty() || callee.kids[0].kind != NodeKind::Ident) return nullptr;
    const std::string& self = callee.kids[0].name;
    if (self != "this" && self != "super") return nullptr;
    std::string c = m_class;
    if (self == "super") {
        auto it = m_classes.find(c);
        c = it == m_classes.end() ? std::string() : it->second.base;
    }
    for (int hops = 0; !c.empty() && hops < 16; ++hops) {
        auto it = m_classes.find(c);
        if (it == m_classes.end()) break;
        auto method = it->second.methods.find(callee.name);
        if (method != it->second.methods.end()) {
            cls = c;
            return method->second;
        }
        c = it->second.base;
    }
    if (m_class.empty()) {  // an object literal's method: module.exports = { up() { this.m() }, m() {...} }
        auto it = m_functions.find(callee.name);
        if (it != m_functions.end()) return it->second;
    }
    return nullptr;
}

std::string Walker::follow_import(const Node& call, const std::string& name, const Import& what) {
    if (m_path.empty()) return " (no file to resolve it from)";
    std::string ambiguous;
    auto file = resolve_import(m_path, what.module, &ambiguous);
    if (!file) return ambiguous.empty() ? " (not a file inside the repository reached without a link)" : ambiguous;
    if (static_cast<int>(m_stack.size()) + m_depth + 1 >= k_max_follow_depth || m_budget.follows >= k_max_follows ||
        m_budget.work >= m_budget.work_limit) {
        return " (pgfence's limit on following helpers)";
    }
    auto text = read_limited(*file, m_budget.work_limit - m_budget.work);
    if (!text) return " (unreadable, or past pgfence's limit on following helpers)";
    ++m_budget.follows;
    m_budget.work += text->size();
    if (std::find(m_budget.files.begin(), m_budget.files.end(), *file) == m_budget.files.end()) m_budget.files.push_back(*file);
    JsFile helper = parse_js(*text);
    Extraction sub;
    sub.format = m_format;
    sub.too_deep = helper.too_deep;
    sub.unreadable = helper.unreadable;
    Emitter e(helper, *text, sub);
    e.down = m_e.down;
    Walker w(e, *text, m_format, m_direction, m_form, *file, m_budget, m_depth + static_cast<int>(m_stack.size()) + 1);
    w.collect(helper.statements, helper.tokens);
    const std::string& wanted_name = what.remote == "default" || what.remote == "*" ? std::string() : what.remote;
    auto it = w.m_functions.find(wanted_name.empty() ? name : wanted_name);
    if (it == w.m_functions.end() || it->second == nullptr) return " (no function of that name found in it)";
    // The helper's own writes to what it exports, judged as a migration's to its up() (a second
    // `exports.run = `, one in a timer, `var run` rebinding it, `this`, `__defineGetter__`): the
    // function read is then not the one the migration calls (red team R76 K4).
    if (auto hidden = hidden_export_writes(helper.tokens, {wanted_name.empty() ? name : wanted_name}); !hidden.empty()) {
        std::size_t at = std::min(hidden.front().first, text->size());
        std::size_t line = 1 + static_cast<std::size_t>(std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        return " (at line " + std::to_string(line) + " of it: " + hidden.front().second + ")";
    }
    const Node& func = *it->second;
    std::vector<std::size_t> handed;
    for (std::size_t i = 0; arg(call, i) != nullptr; ++i) {
        if (hands_runner(*arg(call, i))) handed.push_back(i);
    }
    if (auto why = params_unread(*text, func, handed); !why.empty()) return " (the runner reaches it through " + why + ")";
    Aliases bound;
    for (std::size_t i = 0; i < func.params.size(); ++i) {
        const Node* a = arg(call, i);
        if (func.params[i].empty() || a == nullptr || !hands_runner(*a)) continue;
        Node root;  // the runner itself: nodes of this file mean nothing in the helper's
        root.kind = NodeKind::Ident;
        root.name = root_of(*a);
        bound[func.params[i]] = root;
    }
    w.m_roots = m_roots;
    w.m_roots.push_back("arguments");  // the helper's `arguments` holds the runner (red team R82b B3)
    w.read_body(func, std::move(bound), m_e.down ? Half::Down : Half::Up);
    std::string shown_path = std::filesystem::path(*file).filename().string();
    result.first_import = std::min(result.first_import, call.begin);
    m_e.adopt(sub, call, shown(name) + "()", "inside " + shown(name) + "() of " + shown(shown_path) + ", imported from '" +
                                                shown(what.module) + "'");
    return {};
}

void Walker::follow(const Node& call, const Node& func, const std::string& cls, const std::string& name) {
    std::size_t cost = func.end > func.begin ? func.end - func.begin : 0;
    bool recursive = std::find(m_stack.begin(), m_stack.end(), &func) != m_stack.end();
    if (recursive || static_cast<int>(m_stack.size()) + m_depth >= k_max_follow_depth || m_budget.follows >= k_max_follows ||
        m_budget.work + cost > m_budget.work_limit) {
        unknown(call, name, "`" + shown(name) + "()` receives the migration's runner and is not followed: " +
                                (recursive ? "it calls itself" : "pgfence's limit on following helpers"));
        return;
    }
    ++m_budget.follows;
    m_budget.work += cost;  // (before params_unread lexes it: each call costs its share)
    std::vector<std::size_t> handed;
    for (std::size_t i = 0; arg(call, i) != nullptr; ++i) {
        if (hands_runner(*arg(call, i))) handed.push_back(i);
    }
    if (auto why = params_unread(m_text, func, handed); !why.empty()) {
        unknown(call, name, "`" + shown(name) + "()` receives the migration's runner through " + why +
                                ", which pgfence does not bind: what it does with it is not followed");
        return;
    }
    Aliases bound;
    std::map<std::string, std::optional<std::string>, std::less<>> scope;  // for `${param}` in its templates
    std::optional<std::map<std::string, std::size_t, std::less<>>> bindings;
    for (std::size_t i = 0; i < func.params.size(); ++i) {
        const Node* a = arg(call, i);
        if (func.params[i].empty()) continue;
        scope[func.params[i]] = std::nullopt;
        if (a == nullptr) continue;
        // The runner, and literals (a table name the helper is given) are bound; a literal not
        // when the helper binds the name again inside (a loop variable, a closure's parameter),
        // where the name stands for something else (red team R70 F11).
        bool literal = a->kind == NodeKind::String || a->kind == NodeKind::Number ||
                       (a->kind == NodeKind::Template && m_e.string_of(*a));
        if (literal && !bindings) {  // once per follow: linear in the helper
            bindings = m_e.bindings_in(func);
            for (const auto& p : func.params) {
                auto it = bindings->find(p);
                if (it != bindings->end() && it->second > 0) --it->second;  // the parameters themselves
            }
        }
        if (literal) {
            auto count = bindings->find(func.params[i]);
            if (count != bindings->end() && count->second > 0) continue;
        }
        if (literal || hands_runner(*a)) bound[func.params[i]] = alias_value(*a);
        if (a->kind == NodeKind::Number) scope[func.params[i]] = js_number_text(a->name);  // as JavaScript prints it
        else if (literal) scope[func.params[i]] = m_e.string_of(*a);
    }
    std::swap(scope, m_e.scope);
    std::string saved = m_class, saved_via = m_e.via;
    if (!cls.empty()) m_class = cls;
    if (m_e.via.empty()) m_e.via = "line " + std::to_string(line_of(call.begin));  // the call in up()
    m_stack.push_back(&func);
    bool handed_on = !handed.empty();
    if (handed_on) m_roots.push_back("arguments");  // arguments[i] is the runner (red team R82b B3, B4)
    read_body(func, std::move(bound), m_e.down ? Half::Down : Half::Up);
    if (handed_on) m_roots.pop_back();
    m_stack.pop_back();
    m_class = saved;
    m_e.via = saved_via;
    std::swap(scope, m_e.scope);
}

}  // namespace pgfence::analyze::orm::detail
