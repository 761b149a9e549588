#include "analyze/orm/walker_impl.hpp"

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/js_numbers.hpp"
#include "analyze/orm/reach.hpp"
#include "analyze/orm/runner_api.hpp"

#include <algorithm>

namespace pgfence::analyze::orm::detail {

void Walker::collect(const std::vector<Node>& nodes, const std::vector<Token>& tokens) {
    for (const Node& n : nodes) collect(n, nullptr);
    for (auto it = m_functions.begin(); it != m_functions.end();) {
        it = it->second == nullptr ? m_functions.erase(it) : std::next(it);
    }
    m_imported = imported_names(tokens);
    find_foreign(nodes);
}

void Walker::only_class(std::string name) {
    // A class with no up() of its own runs its base's: followed within this file (a few steps).
    for (int steps = 0; steps < 16; ++steps) {
        auto it = m_classes.find(name);
        if (it == m_classes.end() || it->second.methods.count("up") != 0 || !m_classes.contains(it->second.base)) break;
        name = it->second.base;
    }
    m_only = std::move(name);
}

void Walker::scan(const Node& n, Half half) {
    if (n.kind == NodeKind::Func && (n.name == "up" || n.name == "down") && !m_only.empty() && m_class != m_only) return;
    if (n.kind == NodeKind::Func && (n.name == "up" || n.name == "down")) {
        half = n.name == "up" ? Half::Up : Half::Down;
        result.found_function = true;
        result.found_up = result.found_up || half == Half::Up;
        if (!wanted(half)) return;
        if (half == Half::Up) result.read_spans.emplace_back(n.begin, n.end);
        else if (m_direction == Direction::Down) result.read_spans.emplace_back(n.begin, n.end);
        std::string root = n.params.empty() || n.params[0].empty() ? m_form.receiver : n.params[0];
        m_roots.clear();
        if (!root.empty()) m_roots.push_back(root);
        m_roots.push_back("arguments");  // arguments[0] is the runner too (red team R82b B4)
        m_this.clear();
        read_body(n, Aliases{}, half);
        return;
    }
    std::string saved = m_class;
    if (is_class(n)) m_class = n.keys[0];
    for (const Node& k : n.kids) scan(k, half);
    m_class = saved;
}

void Walker::scan_top(const Node& n) {
    if (n.kind == NodeKind::Func || is_class(n)) return;
    // `const { Pool } = require('pg')` and `const pool = new Pool()` send nothing yet: what uses
    // them is judged there (`pool.query(...)`, `new Pool().query(...)`).
    if (n.kind == NodeKind::New && !n.kids.empty() && !dynamic_code(n, m_e).empty() && opened(n)) return;
    if (n.kind == NodeKind::Call && !n.kids.empty()) {
        const Node& callee = n.kids[0];
        bool plain_import = callee.kind == NodeKind::Ident && (callee.name == "require" || callee.name == "import") &&
                            arg(n, 0) != nullptr && m_e.string_of(*arg(n, 0)).has_value();
        if (callee.kind == NodeKind::Member && !callee.kids.empty() && callee.kids[0].kind == NodeKind::New && foreign(callee.kids[0])) {
            unknown(n, dotted_name(callee).empty() ? callee.name : dotted_name(callee),
                    "`" + shown(m_e.source(n.kids[0])) + "()` at the module's top uses a database connection the migration opens itself when the "
                    "tool loads the file: pgfence does not read what it sends");
            return;
        }
        if (!plain_import && opened(n)) return;
    }
    for (const Node& k : n.kids) scan_top(k);
}

bool Walker::is_class(const Node& n) { return n.kind == NodeKind::Other && n.name == "class" && n.keys.size() == 2; }

bool Walker::wanted(Half half) const {
    return (half == Half::Up && m_direction != Direction::Down) || (half == Half::Down && m_direction != Direction::Up);
}

void Walker::collect(const Node& n, ClassInfo* cls) {
    if (is_class(n)) {
        ClassInfo& info = m_classes[n.keys[0]];
        info.base = n.keys[1];
        for (const Node& k : n.kids) {
            const Node* f = &k;
            if (k.kind == NodeKind::Binary && k.name == "=" && k.kids.size() == 2) f = &k.kids[1];
            if (f->kind == NodeKind::Func && !f->name.empty()) info.methods[f->name] = f;
            collect(*f, &info);
        }
        return;
    }
    if (n.kind == NodeKind::Binary && n.name == "=" && n.kids.size() == 2) {
        // `const r = require`, `const load = module.require`, `const req = createRequire(url)`,
        // `const { require: r } = module`, `const { _load } = require('module')`.
        const Node& left = n.kids[0];
        if (left.kind == NodeKind::Ident && left.name != "require" && require_value(n.kids[1])) m_require_alias.insert(left.name);
        for (std::size_t i = 0; left.kind == NodeKind::Object && i < left.kids.size() && i < left.keys.size(); ++i) {
            const Node* target = &left.kids[i];
            if (target->kind == NodeKind::Binary && target->name == "=" && !target->kids.empty()) target = &target->kids[0];
            bool loader = left.keys[i] == "require" || left.keys[i] == "_load";
            if (target->kind == NodeKind::Ident && target->name != "require" && loader) m_require_alias.insert(target->name);
        }
    }
    if (n.kind == NodeKind::Func && !n.name.empty() && cls == nullptr) {
        auto [it, fresh] = m_functions.emplace(n.name, &n);
        if (!fresh) it->second = nullptr;  // two functions of that name: which one runs is not known
    }
    for (const Node& k : n.kids) collect(k, n.kind == NodeKind::Func ? nullptr : cls);
}

bool Walker::rooted(const Node& n) const {
    const std::string& r = root_of(n);
    return !r.empty() && std::find(m_roots.begin(), m_roots.end(), r) != m_roots.end();
}

void Walker::read_body(const Node& func, Aliases aliases, Half half) {
    bool saved_down = m_e.down;
    m_e.down = half == Half::Down;
    std::size_t mark = m_undo.size();
    m_locals.emplace_back();
    declared_names(func, m_locals.back(), false);
    m_params.emplace_back();
    declared_names(func, m_params.back(), true);
    for (const Node& statement : func.kids) {
        Node copy = statement;
        rewrite_statement(copy, aliases);
        visit(copy, false);
    }
    m_locals.pop_back();
    m_params.pop_back();
    m_undo.resize(mark);  // the log of this body's map, which ends here
    m_e.down = saved_down;
}

namespace {

// `runner[?]` spanning begin..end: the runner named `root`, used where no handler reads it (its
// uses are unknown); the name's own span ends at root_end.
Node opaque_runner(std::string root, std::size_t begin, std::size_t end, std::size_t root_end) {
    Node opaque;
    opaque.kind = NodeKind::Index;
    opaque.begin = begin;
    opaque.end = end;
    Node name;
    name.kind = NodeKind::Ident;
    name.name = std::move(root);
    name.begin = begin;
    name.end = root_end;
    opaque.kids.push_back(std::move(name));
    return opaque;
}

}  // namespace

Node Walker::alias_value(const Node& value) const {
    if (const Node* handle = awaited_handle(value)) return *handle;
    const Node& v = is_bind(value) ? value.kids[0].kids[0] : value;
    if (count_nodes(v, k_max_alias_nodes) <= k_max_alias_nodes) return v;
    // runner[?]: a use of the runner no handler reads.
    const std::string root = root_of(value);
    return opaque_runner(root, value.begin, value.end, value.begin + root.size());
}

bool Walker::aliases_runner(const Node& value) const {
    if (awaited_handle(value) != nullptr) return true;
    if (!rooted(value)) return false;
    if (is_reference(value) && runner_constant(value)) return false;  // `const dbType = queryRunner.connection.driver.options.type`
    return is_reference(value) || is_bind(value) || value.kind == NodeKind::Call || value.kind == NodeKind::Index;
}

void Walker::substitute(Node& n, const Node& value) {
    std::size_t begin = n.begin, end = n.end;
    n = value;
    n.begin = begin;
    n.end = end;
}

void Walker::define(Aliases& a, const std::string& name, Node value) {
    auto it = a.find(name);
    m_undo.emplace_back(name, it == a.end() ? std::nullopt : std::optional<Node>(it->second));
    a[name] = std::move(value);
}

void Walker::forget(Aliases& a, const std::string& name) {
    auto it = a.find(name);
    if (it == a.end()) return;
    m_undo.emplace_back(name, std::move(it->second));
    a.erase(it);
}

void Walker::assign(const Node& left, const Node& right, Aliases& a) {
    bool alias = aliases_runner(right);
    // A name that stood for the runner and is given another value: the parse keeps no blocks or
    // branches, so the write may not run (`if (x) s = null`, a `try`) or may bind another variable
    // (`{ let s = 1; }`, a `for (let s ...)` head): it becomes runner[?], whose uses are unknown,
    // never a name pgfence forgets while it may still hold the runner (red team R82b B1).
    auto forget = [&](Aliases& in, const std::string& name) {
        auto it = in.find(name);
        if (it == in.end() || !rooted(it->second)) return Walker::forget(in, name);
        define(in, name, opaque_runner(root_of(it->second), right.begin, right.end, right.begin));
    };
    if (left.kind == NodeKind::Ident && !alias) {
        if (const Node* runner = returned_runner(right)) {
            define(a, left.name, *runner);
            return;
        }
    }
    if (left.kind == NodeKind::Ident) {
        if (alias) define(a, left.name, alias_value(right));
        else forget(a, left.name);
    } else if (left.kind == NodeKind::Member && !left.kids.empty() && left.kids[0].kind == NodeKind::Ident &&
               left.kids[0].name == "this") {
        std::string key = "this." + left.name;
        if (alias) m_this[key] = alias_value(right);
        else m_this.erase(key);
    } else if (left.kind == NodeKind::Object) {
        for (std::size_t i = 0; i < left.kids.size() && i < left.keys.size(); ++i) {
            const Node* target = &left.kids[i];
            if (target->kind == NodeKind::Binary && target->name == "=" && !target->kids.empty()) target = &target->kids[0];
            if (target->kind != NodeKind::Ident) continue;
            if (!alias) {
                forget(a, target->name);
                continue;
            }
            Node member;
            member.kind = left.keys[i] == "..." ? NodeKind::Index : NodeKind::Member;
            member.name = left.keys[i];
            member.begin = right.begin;
            member.end = right.end;
            member.kids.push_back(alias_value(right));
            define(a, target->name, std::move(member));
        }
    } else if (left.kind == NodeKind::Array) {
        for (const Node& k : left.kids) {
            if (k.kind != NodeKind::Ident) continue;
            if (alias) define(a, k.name, alias_value(Node{NodeKind::Index, right.begin, right.end, "", {right}, {}, {}, -1, {}}));
            else forget(a, k.name);
        }
    }
}

bool Walker::template_names_runner(std::string_view text, const Token& t, std::size_t base, const Aliases& a, int depth) const {
    if (depth > 8) return true;  // nested past any real template: not read, so not known harmless
    for (const TemplatePart& part : t.parts) {
        if (!part.interpolation) continue;
        if (part.expr_begin < base || part.expr_end < part.expr_begin || part.expr_end - base > text.size()) return true;
        const std::string_view inside = text.substr(part.expr_begin - base, part.expr_end - part.expr_begin);
        const std::vector<Token> inner = lex_js(inside);
        if (!inner.empty() && !inner.back().unreadable.empty()) return true;
        for (std::size_t i = 0; i < inner.size(); ++i) {
            if (inner[i].kind == TokenKind::Template && template_names_runner(inside, inner[i], 0, a, depth + 1)) return true;
            if (inner[i].kind != TokenKind::Ident || (i > 0 && (inner[i - 1].text == "." || inner[i - 1].text == "?."))) continue;
            const std::string& name = inner[i].text;
            const auto alias = a.find(name);  // an alias of the runner, not a helper's parameter bound to a literal
            if ((alias != a.end() && rooted(alias->second)) || std::find(m_roots.begin(), m_roots.end(), name) != m_roots.end() ||
                (name == "this" && !m_this.empty())) {
                return true;
            }
        }
    }
    return false;
}

void Walker::rewrite(Node& n, Aliases& a) {
    switch (n.kind) {
        case NodeKind::Func: {
            // Its parameters hide the names outside; what it assigns is undone after it
            // (an undo log rather than a copy of the map for each function: linear).
            std::size_t mark = m_undo.size();
            const std::size_t renames = m_renames.size();
            rename_params(n);
            const std::size_t mutated = m_mutated.size();
            for (const auto& p : n.params) forget(a, p);
            for (Node& k : n.kids) rewrite_statement(k, a);
            while (m_undo.size() > mark) {
                auto& [name, before] = m_undo.back();
                if (before) a[name] = std::move(*before);
                else a.erase(name);
                m_undo.pop_back();
            }
            m_renames.resize(renames);
            // A builder the function may have changed stays changed after it (it may have run).
            for (std::size_t i = mutated; i < m_mutated.size(); ++i) {
                if (a.contains(m_mutated[i].first)) define(a, m_mutated[i].first, m_mutated[i].second);
            }
            return;
        }
        case NodeKind::Other:
            if (n.name == "{}") {
                rewrite_scope(n, a);
                return;
            }
            break;
        case NodeKind::Ident: {
            renamed(n.name);
            auto it = a.find(n.name);
            if (it != a.end()) substitute(n, it->second);
            return;
        }
        case NodeKind::Template: {
            // A `${...}` is not parsed into nodes: one that names the runner (its own name, an
            // alias, or `this` holding it) uses it where the walker does not read, as
            // `${(s = k.schema, "")}` did before `s.dropTable("users")` (walker81's open hole).
            if (n.token >= 0 && template_names_runner(m_e.source(n), m_e.token(n), n.begin, a, 0)) {
                n.kind = NodeKind::Other;
                n.name = "${}";
                n.kids.clear();
            }
            return;
        }
        case NodeKind::Member: {
            if (!n.kids.empty() && n.kids[0].kind == NodeKind::Ident && n.kids[0].name == "this") {
                auto it = m_this.find("this." + n.name);
                if (it != m_this.end()) {
                    substitute(n, it->second);
                    return;
                }
            }
            break;
        }
        case NodeKind::Binary:
            if (n.name == "=" && n.kids.size() == 2) {
                rewrite(n.kids[1], a);
                rename_bindings(n.kids[0]);
                if (n.kids[0].kind == NodeKind::Member || n.kids[0].kind == NodeKind::Index) rewrite(n.kids[0].kids[0], a);
                assign(n.kids[0], n.kids[1], a);
                return;
            }
            break;
        default: break;
    }
    for (Node& k : n.kids) rewrite(k, a);
    if (const Node* side = collapsed(n)) {
        // (A transpiler writes `(0, helpers.f)(qr)` for an imported helper's call, too.)
        Node value = *side;
        substitute(n, value);
    }
    if (n.kind == NodeKind::Index && n.kids.size() == 2) {
        // queryRunner["query"]: a key that folds to a string is that member.
        if (auto key = m_e.string_of(n.kids[1])) {
            n.kind = NodeKind::Member;
            n.name = *key;
            n.kids.pop_back();
        }
    }
    if (n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && !n.kids[0].kids.empty() &&
        is_reference(n.kids[0].kids[0])) {
        // f.call(thisArg, a, b) and f.apply(thisArg, [a, b]) call f(a, b).
        const std::string& how = n.kids[0].name;
        bool apply = how == "apply" && (arg_count(n) < 2 || (arg_count(n) == 2 && n.kids[2].kind == NodeKind::Array));
        // drop.call(knex) binds the runner as `this` of a function that is not the runner's own:
        // read as drop() it would lose what `this.schema...` sends. Kept as the call, whose
        // runner argument makes it unknown (red team a s10, s14, s15); queryRunner.query.call(
        // queryRunner, ...) is the runner's own method and still reads as the call.
        bool this_runner = arg_count(n) >= 1 && rooted(n.kids[1]) && !rooted(n.kids[0].kids[0]);
        if ((how == "call" || apply) && !this_runner) {
            std::vector<Node> kids;
            kids.push_back(std::move(n.kids[0].kids[0]));
            if (how == "call") {
                for (std::size_t i = 2; i < n.kids.size(); ++i) kids.push_back(std::move(n.kids[i]));
            } else if (arg_count(n) == 2) {
                for (Node& k : n.kids[2].kids) kids.push_back(std::move(k));
            }
            n.kids = std::move(kids);
        }
    }
}

void Walker::unknown(const Node& where, const std::string& name, std::string why) {
    int index = m_e.add_call(where, shown(name), false);
    m_e.unknown(where, index, std::move(why));
}

std::optional<Walker::Literal> Walker::literal(const Node& n) const {
    switch (n.kind) {
        case NodeKind::Number: {
            auto text = js_number_text(n.name);  // nullopt for a BigInt or what it does not read exactly
            if (!text) return std::nullopt;
            return Literal{*text != "0", false};
        }
        case NodeKind::String: {
            auto value = m_e.string_of(n);
            if (!value) return std::nullopt;
            return Literal{!value->empty(), false};
        }
        case NodeKind::Ident:
            // (`undefined` can be a local name: then this reads the other side, which does not
            // run; reading more than runs is the safe side.)
            if (n.name == "true" || n.name == "false") return Literal{n.name == "true", false};
            if (n.name == "null" || n.name == "undefined") return Literal{false, true};
            return std::nullopt;
        case NodeKind::Unary: {
            if (n.kids.size() != 1) return std::nullopt;
            auto inner = literal(n.kids[0]);
            if (!inner) return std::nullopt;
            if (n.name == "void") return Literal{false, true};
            if (n.name == "!") return Literal{!inner->truthy, false};
            if ((n.name == "-" || n.name == "+") && n.kids[0].kind == NodeKind::Number) return Literal{inner->truthy, false};
            return std::nullopt;
        }
        default: return std::nullopt;
    }
}

const Node* Walker::collapsed(const Node& n) const {
    if (n.kind == NodeKind::Other && n.name == "," && n.kids.size() >= 2) {
        for (std::size_t i = 0; i + 1 < n.kids.size(); ++i) {
            if (!literal(n.kids[i])) return nullptr;
        }
        return &n.kids.back();
    }
    if (n.kind != NodeKind::Binary || n.kids.size() != 2) return nullptr;
    auto left = literal(n.kids[0]);
    if (!left) return nullptr;
    bool right = (n.name == "&&" && left->truthy) || (n.name == "||" && !left->truthy) || (n.name == "??" && left->nullish);
    return right ? &n.kids[1] : nullptr;
}

Walker::Use Walker::use_of(const Node& p, std::size_t i) {
    switch (p.kind) {
        case NodeKind::Func: return p.returns ? Use::Flows : Use::Discarded;
        case NodeKind::Other:
            if (p.name == "class" || p.name == "{}") return Use::Discarded;
            if (p.name == ",") return i + 1 < p.kids.size() ? Use::Discarded : Use::Flows;
            if (p.name == "?:") return i == 0 ? Use::Tested : Use::Flows;
            return Use::Flows;
        case NodeKind::Unary: {
            // Default-deny: only the operators that call no code with their operand test it
            // (ECMA-262 13.5: `!` is ToBoolean, `typeof` and `void` read no property). `-`, `+`
            // and `~` call ToPrimitive (valueOf, toString, @@toPrimitive); `await` and `yield` hand
            // it on, `...` spreads it, `delete`, `++` and `--` write it.
            static const std::string_view k_tests[] = {"!", "typeof", "void"};
            return std::find(std::begin(k_tests), std::end(k_tests), p.name) != std::end(k_tests) ? Use::Tested : Use::Flows;
        }
        case NodeKind::Binary: {
            // `a && b` is a when a is falsy (no object is, ToBoolean calls nothing): a is only
            // tested. `===` and `!==` compare without converting (ECMA-262 7.2.15
            // IsStrictlyEqual), `==` and `!=` with null or undefined too (7.2.14 IsLooselyEqual,
            // step 2-3); against anything else `==` may call ToPrimitive on the runner, and `<`,
            // arithmetic and `+` do. `x in k` asks the runner's own object ([[HasProperty]]),
            // `k instanceof C` calls C[Symbol.hasInstance](k), user code (13.10.2
            // InstanceofOperator, red team R82b B2). Every other operator is Flows.
            if (p.name == "&&") return i == 0 ? Use::Tested : Use::Flows;
            if (p.name == "===" || p.name == "!==") return Use::Tested;
            if (p.name == "in") return i == 1 ? Use::Tested : Use::Flows;
            if ((p.name == "==" || p.name == "!=") && p.kids.size() == 2) {
                const Node& other = p.kids[1 - std::min<std::size_t>(i, 1)];
                bool nullish = other.kind == NodeKind::Ident && (other.name == "null" || other.name == "undefined");
                return nullish ? Use::Tested : Use::Flows;
            }
            return Use::Flows;
        }
        default: return Use::Flows;
    }
}

bool Walker::alias_assignment(const Node& n) const {
    return n.kind == NodeKind::Binary && n.name == "=" && n.kids.size() == 2 && aliases_runner(n.kids[1]);
}

void Walker::visit_kid(const Node& parent, std::size_t i, bool value) {
    const Node& k = parent.kids[i];
    Use use = use_of(parent, i);
    if (use == Use::Tested && rooted(k) && is_reference(k)) return;  // `knex.client.config.client === 'pg'`
    if (use == Use::Flows && alias_assignment(k)) {
        std::string target = m_e.source(k.kids[0]);
        unknown(k, target, "the migration's runner assigned to `" + shown(target) +
                               "` here is also the value of the expression around it, which pgfence does not follow");
    }
    visit(k, value);
}

void Walker::visit(const Node& n, bool value) {
    // Knex: knex.raw(...) builds a query that runs only when awaited, returned or chained;
    // as a value (`defaultTo(knex.raw('now()'))`, `{ at: knex.raw('now()') }`) it is a piece
    // of SQL inside another statement, not a statement. So is what a handler read as SQL of the
    // call around it (Emitter::read_inside()). Their arguments still run.
    if ((value && m_format == InputFormat::Knex && raw_call(n)) || m_e.was_read_inside(n)) {
        visit_fragment_args(n);
        return;
    }
    if (n.kind == NodeKind::Other && n.name == "builder~" && n.keys.size() == 2) {
        unknown(n, n.keys[0], "`" + shown(n.keys[0]) + "`, a Knex query builder, is changed in place by a statement of its own (line " + n.keys[1] +
                                  ", `.where(...)` and the like add to it, knex/lib/query/querybuilder.js), which pgfence does not follow: "
                                  "what it sends here is not known");
        return;
    }
    if (n.kind == NodeKind::Other && n.name == "${}") {
        unknown(n, "${...}", "the migration's runner is used inside a template's `${...}`, which pgfence does not read as code");
        return;
    }
    switch (n.kind) {
        case NodeKind::Call: {
            std::string saved = m_e.context;
            if (!n.context.empty() && n.context != "const") m_e.context = n.context;
            call(n);
            m_e.context = saved;
            return;
        }
        case NodeKind::Ident:
            if (auto why = dynamic_value(n); !why.empty()) {
                unknown(n, n.name, why);
                return;
            }
            if (value && n.name == "require") {  // const load = require; load(name)
                unknown(n, n.name, "`require` taken as a value: which modules it loads is not followed");
                return;
            }
            if (value && n.name == "this" && !m_this.empty()) {
                unknown(n, "this", "`this`, which holds the migration's runner (this." + shown(m_this.begin()->first.substr(5)) +
                                       "), is handed on here; what uses it is not followed");
                return;
            }
            if (value && foreign(n)) {
                unknown(n, n.name, "`" + shown(n.name) + "`, a database connection the migration opens itself, is handed on here; what uses it is not followed");
                return;
            }
            if (rooted(n)) {
                unknown(n, n.name, "the migration's `" + shown(n.name) +
                                       "` is used as a value here (stored, returned or handed on); what uses it is not followed");
            }
            return;
        case NodeKind::Member:
        case NodeKind::Index:
            if (auto why = dynamic_value(n); !why.empty()) {  // globalThis.eval, vm.runInNewContext
                unknown(n, dotted_name(n), why);
                return;
            }
            if (value && n.kind == NodeKind::Member && n.name == "constructor") {  // (async () => {}).constructor
                unknown(n, "constructor", "`.constructor` taken as a value can be Function, which runs JavaScript built at run time");
                return;
            }
            // The database type, Sequelize's QueryTypes: a string or an object of strings, not the
            // runner (runner_constant()), wherever it goes.
            if (rooted(n) && is_reference(n) && runner_constant(n)) return;
            if (rooted(n) && is_reference(n)) {
                // Default-deny, as for the runner itself (the Ident case): the positions the
                // walker reads (a call on it, a member chain, an alias, a followed helper's
                // argument, a test) never visit it, so any other is a use not followed: returned,
                // thrown, yielded, awaited, an operand whose value it is (red team R81b B1, B2).
                unknown(n, dotted_name(n), "`" + shown(dotted_name(n)) + "` (from the migration's runner) is " +
                                               (value ? "stored or handed on here"
                                                      : "used here as a value (returned, thrown, yielded, awaited or the value of an "
                                                        "expression)") +
                                               "; what uses it is not followed");
                return;
            }
            if (rooted(n)) {
                if (n.kind == NodeKind::Index) {
                    unknown(n, shown(m_e.source(n)), "`" + shown(m_e.source(n)) +
                                                        "`: a member of the migration's runner whose name is not known statically");
                    return;
                }
                visit(n.kids[0], false);
                return;
            }
            break;
        case NodeKind::Binary:
            // `knex.client.raw = f`, `queryRunner.query = f`: the runner's own methods replaced, for
            // this migration and the ones the tool runs after it on the same instance (knex's
            // raw() calls its client's, knex/lib/knex-builder/make-knex.js): what they then send
            // is not read (red team R77 K4).
            if (n.kids.size() == 2 && n.name.ends_with("=") && n.name != "==" && n.name != "===" && n.name != "!=" && n.name != "!==" &&
                n.name != "<=" && n.name != ">=" && (n.kids[0].kind == NodeKind::Member || n.kids[0].kind == NodeKind::Index) &&
                rooted(n.kids[0])) {
                unknown(n, m_e.source(n.kids[0]), "`" + shown(m_e.source(n.kids[0])) + "`, a member of the migration's runner, is written: "
                                                      "what the runner then sends is not read");
                visit(n.kids[1], true);
                return;
            }
            if (n.name == "=" && n.kids.size() == 2 && aliases_runner(n.kids[1])) {
                // An alias (substituted where it is used); an unawaited call on the runner
                // other than Knex's builders still runs here.
                const Node& right = n.kids[1];
                if (right.kind == NodeKind::Call && m_format != InputFormat::Knex && !is_bind(right)) visit(right, true);
                // (Knex's awaited transaction sends only its BEGIN.)
                if (right.kind == NodeKind::Unary && !right.kids.empty() && m_format != InputFormat::Knex) visit(right.kids[0], true);
                escape(n);
                return;
            }
            if ((n.name == "||=" || n.name == "&&=" || n.name == "?\?=") && n.kids.size() == 2 && rooted(n.kids[1])) {
                // Whether it assigns depends on the value it finds: not followed.
                unknown(n, m_e.source(n.kids[0]), "the migration's runner is assigned to `" + shown(m_e.source(n.kids[0])) + "` by `" +
                                                      n.name + "`; what uses it from there is not followed");
                return;
            }
            if (n.name == "=" && n.kids.size() == 2 && n.kids[0].kind == NodeKind::Ident && foreign(n.kids[1])) {
                m_foreign_local.insert(n.kids[0].name);  // const db = knex(...): a handle of its own
            }
            break;
        case NodeKind::New:
            if (opened(n)) return;
            break;
        default: break;
    }
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
        // `x.list = [queryRunner]`: an array stored keeps the runner as its element.
        // `[knex.schema].map((s) => s.dropTable('t'))` too: an array walked is not followed.
        bool element = n.kind == NodeKind::Array && is_reference(n.kids[i]);
        visit_kid(n, i, element || takes_as_value(n, i));
    }
}

bool Walker::raw_call(const Node& n) {
    return n.kind == NodeKind::Call && !n.kids.empty() && n.kids[0].kind == NodeKind::Member && n.kids[0].name == "raw" &&
           dotted_name(n.kids[0]).find("schema") == std::string::npos;
}

bool Walker::handle(const Node& n) {
    switch (m_format) {
        case InputFormat::TypeOrm: return typeorm_call(n, m_e);
        case InputFormat::Knex: return knex_call(n, m_e) || knex_query_call(n, m_e, m_roots);
        case InputFormat::Sequelize: return sequelize_call(n, m_e);
        case InputFormat::DbMigrate: return db_migrate_call(n, m_e);
        case InputFormat::NodePgMigrate: return node_pg_migrate_call(n, m_e);
        default: return false;
    }
}

bool Walker::hands_runner(const Node& a) const {
    return rooted(a) && !(is_reference(a) && runner_constant(a)) && !m_e.was_read_inside(a) && (a.kind != NodeKind::Call || m_format == InputFormat::Knex || is_bind(a));
}

void Walker::visit_unread_args(const Node& n) {
    // A handler reads what it models (the SQL argument, a table callback's column chains, the
    // bindings it splices); everything else in the arguments of the chain it read is code like
    // any other, which knex or the ORM runs while building the call: a table callback (knex
    // calls it when it compiles the builder, knex/lib/schema/tablebuilder.js toSQL()), a
    // .where(fn) or .modify(fn), a value or getter of an options object. The runner itself handed
    // to the chain (`.transacting(trx)`) is the chain's own.
    std::size_t mark = m_e.piece_count();
    const bool query_chain = m_format == InputFormat::Knex && knex_query_chain(n, m_roots);
    for (const Node* at = &n; !at->kids.empty() && (at->kind == NodeKind::Call || at->kind == NodeKind::Member || at->kind == NodeKind::Index);
         at = &at->kids[0]) {
        if (at->kind == NodeKind::Call && query_chain) visit_builder_args(*at);
        else if (at->kind == NodeKind::Call) visit_args(*at, true);
        else if (at->kind == NodeKind::Index && at->kids.size() == 2) visit_kid(*at, 1, false);
    }
    if (m_e.piece_count() > mark) {
        std::string name = dotted_name(n.kids[0]);
        m_e.note_since(mark, "inside the arguments of `" + shown(name.empty() ? m_e.source(n.kids[0]) : name) +
                                 "()`: it runs when the call evaluates or calls it (a table callback as knex builds the statement, "
                                 "a callback after a query), in no order the script fixes against what the call itself sends");
    }
}

void Walker::visit_builder_args(const Node& call) {
    // A callback handed to a knex query chain is called with a builder, as its argument and its
    // `this` (querybuilder.js: with() and where() compile a callback's builder into the query,
    // modify() calls it on the chain's own): `(qb) => qb.from("users").del()` is a delete. A
    // join's callback gets a JoinClause (`on`), no builder: visited as code.
    const bool join = call.kids[0].kind == NodeKind::Member &&
                      (call.kids[0].name.find("join") != std::string::npos || call.kids[0].name.find("Join") != std::string::npos);
    for (std::size_t i = 1; i < call.kids.size(); ++i) {
        const Node& a = call.kids[i];
        if (join || a.kind != NodeKind::Func) {
            if (rooted(a) && is_reference(a)) continue;
            visit_kid(call, i, takes_as_value(call, i));
            continue;
        }
        std::size_t pushed = 0;
        if (!a.params.empty() && !a.params[0].empty()) {
            m_roots.push_back(a.params[0]);
            ++pushed;
        }
        m_roots.emplace_back("this");
        ++pushed;
        read_callback(a);
        m_roots.resize(m_roots.size() - pushed);
    }
}

void Walker::visit_fragment_args(const Node& n) {
    // `knex.raw("?", [(knex.schema.dropTable("users").then(), 1)])`: the bindings are evaluated
    // when the fragment is built; a knex.raw() among them is SQL of the fragment, a value too.
    for (const Node* at = &n; !at->kids.empty() && (at->kind == NodeKind::Call || at->kind == NodeKind::Member || at->kind == NodeKind::Index);
         at = &at->kids[0]) {
        if (at->kind != NodeKind::Call) continue;
        for (std::size_t i = 1; i < at->kids.size(); ++i) {
            const Node& a = at->kids[i];
            if (a.kind != NodeKind::Array) {
                visit_kid(*at, i, true);
                continue;
            }
            for (std::size_t j = 0; j < a.kids.size(); ++j) visit_kid(a, j, true);
        }
    }
}

void Walker::visit_args(const Node& n, bool skip_runner) {
    for (std::size_t i = 1; i < n.kids.size(); ++i) {
        if (skip_runner && rooted(n.kids[i]) && is_reference(n.kids[i])) continue;
        visit_kid(n, i, takes_as_value(n, i));
    }
}

void Walker::call(const Node& n) {
    if (!m_splitting && split_conditional(n)) return;
    if (handle(n)) {
        visit_unread_args(n);
        return;
    }
    if (opened(n)) return;
    const Node& callee = n.kids[0];
    std::string m = callee.kind == NodeKind::Member ? callee.name : std::string();
    std::string name = dotted_name(callee);
    if (name.empty()) name = m_e.source(callee);
    if (rooted(callee)) {
        // A promise's methods on what a call on the runner returned (Bluebird's too, which
        // Sequelize's queries returned: .map, .each, .tap, .spread): the call ran, they do
        // not send anything of their own.
        static const std::string_view k_promise[] = {"then", "catch", "finally", "map", "mapSeries", "each", "spread",
                                                     "tap", "reduce", "filter", "all", "return", "thenReturn",
                                                     "asCallback", "nodeify", "delay", "timeout"};
        bool on_result = !callee.kids.empty() && !is_reference(callee.kids[0]) && callee.kids[0].kind == NodeKind::Call;
        if (m == "then" && on_result && handle_of_call(callee.kids[0]) != nullptr) {
            // knex.transaction().then((trx) => ...): trx is the runner in the callback.
            visit(callee.kids[0], false);
            for (std::size_t i = 1; i < n.kids.size(); ++i) {
                const Node& a = n.kids[i];
                bool bound = a.kind == NodeKind::Func && !a.params.empty() && !a.params[0].empty();
                if (bound) m_roots.push_back(a.params[0]);
                if (a.kind == NodeKind::Func) {
                    read_callback(a);
                } else {
                    visit(a, true);
                }
                if (bound) m_roots.pop_back();
            }
            return;
        }
        if (m == "then" || m == "catch" || m == "finally" ||
            (on_result && std::find(std::begin(k_promise), std::end(k_promise), m) != std::end(k_promise))) {
            for (std::size_t i = 0; i < n.kids.size(); ++i) visit_kid(n, i, i > 0 && takes_as_value(n, i));
            return;
        }
        if (reads_only(m_format, callee)) {
            if (!is_reference(callee)) visit(callee.kids[0], false);
            visit_args(n, false);
            return;
        }
        if (m == "transaction" && (m_format == InputFormat::Knex || m_format == InputFormat::TypeOrm)) {
            // knex.transaction(async (trx) => ...): trx is the runner in the callback; TypeORM's
            // manager.transaction(async (em) => ...) hands an EntityManager, whose query() sends
            // its SQL (typeorm/src/entity-manager/EntityManager.ts).
            for (std::size_t i = 1; i < n.kids.size(); ++i) {
                const Node& a = n.kids[i];
                if (a.kind != NodeKind::Func) {
                    // The config (`{ isolationLevel, ... }`) or what else is handed: code like any other.
                    if (!(rooted(a) && is_reference(a))) visit_kid(n, i, takes_as_value(n, i));
                    continue;
                }
                bool bound = !a.params.empty() && !a.params[0].empty();
                if (bound) m_roots.push_back(a.params[0]);
                read_callback(a);
                if (bound) m_roots.pop_back();
            }
            return;
        }
        std::string hint = m_format == InputFormat::Knex && knex_migrator_call(callee)
                               ? " (Knex's migrator or seeder: it runs other migrations' up() or down(), or seed files)"
                               : data_api_hint(m);
        unknown(n, name, "`" + shown(name) + "()` on the migration's runner is not read by pgfence" + hint);
        visit_args(n, true);
        return;
    }
    bool passes = false;
    // What a call on the runner returns (a promise, rows) is not the runner: only the runner
    // itself, something on it or a function of it is handed on.
    // Knex's builders are lazy: one handed on (`clear(knex("users"))`) runs where it is used.
    for (std::size_t i = 1; i < n.kids.size(); ++i) passes = passes || hands_runner(n.kids[i]);
    bool method = callee.kind == NodeKind::Member && !callee.kids.empty() && callee.kids[0].kind == NodeKind::Ident &&
                  (callee.kids[0].name == "this" || callee.kids[0].name == "super");
    std::string cls;
    const Node* target = resolve(callee, cls);
    if (target != nullptr && (passes || (method && !m_this.empty()))) {
        follow(n, *target, cls, name);
        visit_args(n, true);
        return;
    }
    if (method && !m_this.empty() && !passes) {
        unknown(n, name, "`" + shown(name) + "()` is not a method pgfence finds in this file, and `this` holds the migration's runner (this." +
                             shown(m_this.begin()->first.substr(5)) + "): what it runs is not followed");
        visit_args(n, true);
        return;
    }
    if (passes) {
        std::string why = "hands the migration's runner to `" + shown(name) + "()`";
        std::string base = callee.kind == NodeKind::Ident ? callee.name : root_of(callee);
        auto imported = m_imported.find(base);
        if (imported != m_imported.end()) {
            Import what = imported->second;
            if (what.remote == "*" && callee.kind == NodeKind::Member && is_reference(callee) &&
                callee.kids[0].kind == NodeKind::Ident) {
                what.remote = callee.name;  // helpers.cleanup(qr) of `import * as helpers`
            }
            std::string failed = follow_import(n, name, what);
            if (failed.empty()) {
                visit_args(n, true);
                return;
            }
            why += ", imported from '" + shown(what.module) + "'" + failed;
        }
        why += ", which pgfence does not follow";
        unknown(n, name, why);
        visit_args(n, true);
        return;
    }
    for (std::size_t i = 0; i < n.kids.size(); ++i) visit_kid(n, i, takes_as_value(n, i));
}

}  // namespace pgfence::analyze::orm::detail

namespace pgfence::analyze::orm {

using detail::Budget;
using detail::Half;
using detail::Walker;


WalkResult walk_migration(const JsFile& file, std::string_view text, Emitter& emitter, InputFormat format, Direction direction,
                          const ScriptForm& form, std::string_view path, std::string_view only_class) {
    Budget budget;
    budget.work_limit = 4 * text.size() + 65536;
    Walker walker(emitter, text, format, direction, form, std::string(path), budget, 0);
    walker.collect(file.statements, file.tokens);
    if (!only_class.empty()) walker.only_class(std::string(only_class));
    for (const Node& n : file.statements) walker.scan(n, Half::None);
    for (const Node& n : file.statements) walker.scan_top(n);
    report_reach(file, text, emitter, direction, path, budget.work_limit);
    // Every file a relative import of the script names, followed or not: a constant it sends
    // (queryRunner.query(CLEANUP) with CLEANUP from ../src/sql), a helper pgfence left unknown,
    // decide what runs, so an approval of the script binds to them as to the followed helpers.
    if (!path.empty()) {
        for (const auto& [name, what] : imported_names(file.tokens)) {
            if (what.module.empty()) continue;
            auto named = resolve_import(path, what.module);
            if (named && std::find(budget.files.begin(), budget.files.end(), *named) == budget.files.end()) {
                budget.files.push_back(*named);
            }
        }
    }
    walker.result.imported_files = std::move(budget.files);
    return walker.result;
}

}  // namespace pgfence::analyze::orm
