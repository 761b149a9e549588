// Knex's query builder on the migration's runner: `knex("users").del()`, `.truncate()`,
// `.update({...})`, `.insert({...})`, as knex's PostgreSQL dialect compiles them
// (knex/lib/dialects/postgres/query/pg-querycompiler.js: truncate() is
// `truncate ${tableName} restart identity`, update() `update ${tableName} set ...` plus its
// wheres; knex/lib/query/querycompiler.js: del() is `delete from ${tableName}` plus its wheres,
// insert() `insert into ${tableName} (columns) values (...)`). The where conditions are rendered
// as knex compiles them (querycompiler.js where(): each condition after the first joined by its
// `and`/`or`, no parentheses added; `where("a", v)` is `"a" = ?`, whereIn `"a" in (?, ?)`,
// whereNotIn `"a" not in (...)`, whereNull `"a" is null`, whereRaw its text as is, unparenthesized:
// raw_condition()), a bound value a parameter $n. A
// condition pgfence does not render is a parameter of its own, which pins no row; one it does not
// read (a variable that is not a const of a literal, a spread, a subquery of whereNotIn) may keep
// every row, and OR-ed, or alone, it makes the statement one of every row (no where clause).
#include <algorithm>
#include <cctype>

#include "analyze/orm/knex_where.hpp"
#include "analyze/orm/runner_api.hpp"
#include "analyze/orm/walker.hpp"

namespace pgfence::analyze::orm {

using namespace knex_where;

namespace {

// The chain from its root: knex("users").where(...).del() is knex(), where(), del().
bool chain_of(const Node& outer, std::vector<Link>& out) {
    const Node* at = &outer;
    const Node* pending = nullptr;
    while (true) {
        if (at->kind == NodeKind::Call && !at->kids.empty()) {
            if (pending != nullptr) return false;  // f()() : not a builder chain
            pending = at;
            at = &at->kids[0];
        } else if (at->kind == NodeKind::Member && !at->kids.empty()) {
            out.push_back(Link{at->name, pending});
            pending = nullptr;
            at = &at->kids[0];
        } else if (at->kind == NodeKind::Ident) {
            out.push_back(Link{at->name, pending});
            break;
        } else {
            return false;
        }
    }
    std::reverse(out.begin(), out.end());
    return true;
}

// The methods that start a query chain from the knex object (knex/lib/query/method-constants.js,
// put on knex by lib/knex-builder/make-knex.js): `knex.select("id").from("t")`, a subquery handed to
// whereIn() or an index's predicate (`knex.whereNotNull("c")`), is a builder like `knex("t")`.
bool starts_query(std::string_view m) {
    static const std::string_view k[] = {
        "with", "withRecursive", "withMaterialized", "withNotMaterialized", "select", "as", "columns", "column", "from", "fromJS",
        "fromRaw", "into", "withSchema", "table", "distinct", "join", "joinRaw", "innerJoin", "leftJoin", "leftOuterJoin",
        "rightJoin", "rightOuterJoin", "outerJoin", "fullOuterJoin", "crossJoin", "where", "andWhere", "orWhere", "whereNot",
        "orWhereNot", "whereLike", "andWhereLike", "orWhereLike", "whereILike", "andWhereILike", "orWhereILike", "whereRaw",
        "whereWrapped", "havingWrapped", "orWhereRaw", "whereExists", "orWhereExists", "whereNotExists", "orWhereNotExists",
        "whereIn", "orWhereIn", "whereNotIn", "orWhereNotIn", "whereNull", "orWhereNull", "whereNotNull", "orWhereNotNull",
        "whereBetween", "whereNotBetween", "andWhereBetween", "andWhereNotBetween", "orWhereBetween", "orWhereNotBetween",
        "groupBy", "groupByRaw", "orderBy", "orderByRaw", "union", "unionAll", "intersect", "except", "having", "havingRaw",
        "orHaving", "orHavingRaw", "offset", "limit", "count", "countDistinct", "min", "max", "sum", "sumDistinct", "avg",
        "avgDistinct", "increment", "decrement", "first", "debug", "pluck", "clearSelect", "clearWhere", "clearGroup",
        "clearOrder", "clearHaving", "insert", "update", "returning", "del", "delete", "truncate", "transacting", "connection",
        "jsonExtract", "jsonSet", "jsonInsert", "jsonRemove"};
    return std::find(std::begin(k), std::end(k), m) != std::end(k) || m.starts_with("whereJson") || m.starts_with("orWhereJson") ||
           m.starts_with("andWhereJson") || m.starts_with("whereNotJson");
}

bool filters(const std::string& m) {
    std::string lower = m;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("where") != std::string::npos;
}

// `knex.ref("c")` (any `<x>.ref` of one readable column name with no alias): the column as knex
// wraps it; nullopt for anything else.
std::optional<std::string> ref_column(const Node& v, const Emitter& e) {
    if (v.kind != NodeKind::Call || v.kids.empty() || v.kids[0].kind != NodeKind::Member || v.kids[0].name != "ref" || arg_count(v) != 1) {
        return std::nullopt;
    }
    return column_sql(arg(v, 0), e);
}

// `{ a: 1, b: x }`: the quoted column names, or nullopt when they are not all plain keys.
std::optional<std::vector<std::string>> columns(const Node* n) {
    if (n != nullptr && n->kind == NodeKind::Array && !n->kids.empty()) n = &n->kids[0];
    if (n == nullptr || n->kind != NodeKind::Object || n->keys.empty()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& k : n->keys) {
        if (k == "..." || k.empty()) return std::nullopt;
        out.push_back(quote_ident(k));
    }
    return out;
}


// A knex.raw() (or a *Raw link's SQL string) handed to a query chain is SQL knex writes into the
// statement it compiles (querycompiler.js: with() writes `with "x" as (<raw>)`, select() the raw
// as a column, from() as the table, insert() as a value): analysed here in a statement of its
// place, so a data-modifying CTE or a set_config() in it has its findings.
void fragment(const Node& at, const Node* sql, const Node* bindings, std::string_view before, std::string_view after, Emitter& e) {
    SqlPiece& piece = e.raw(at, "knex query fragment", sql);
    if (!piece.unknown.empty()) return;
    knex_raw_bindings(piece, bindings, e);
    if (!piece.unknown.empty()) return;
    MappedText t;
    t.append(before, piece.begin);
    t.append(piece.sql);
    t.append(after, piece.end > 0 ? piece.end - 1 : piece.end);
    for (auto& h : piece.holes) h.first += before.size();
    for (auto& s : piece.spliced) s.first += before.size();
    piece.sql = std::move(t);
    piece.notes.push_back("a knex.raw() of a query chain, analysed in a statement of its own place in the SQL knex compiles");
}

// The statement a fragment of link `m` stands in: a CTE alone, a table after `from`, a join
// after one, a condition after `where`; any other place is an expression of a select.
void fragment_in(const std::string& m, const Node& at, const Node* sql, const Node* bindings, Emitter& e) {
    if (m.starts_with("with") || m.starts_with("union") || m == "intersect" || m == "except") return fragment(at, sql, bindings, "", "", e);
    std::string lower = m;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("wherein") != std::string::npos || lower.find("wherenotin") != std::string::npos) {
        return fragment(at, sql, bindings, "select 1 where 1 in (", ")", e);
    }
    if (lower.find("exists") != std::string::npos) return fragment(at, sql, bindings, "select 1 where exists (", ")", e);
    if (lower.starts_with("orderby")) return fragment(at, sql, bindings, "select 1 order by ", "", e);
    if (lower.starts_with("groupby")) return fragment(at, sql, bindings, "select 1 group by ", "", e);
    if (m == "from" || m == "fromRaw" || m == "table" || m == "into" || m.find("join") != std::string::npos ||
        m.find("Join") != std::string::npos) {
        if (m == "joinRaw") return fragment(at, sql, bindings, "select * from (select 1) as pgfence_t ", "", e);
        return fragment(at, sql, bindings, "select * from ", "", e);
    }
    if (m.find("here") != std::string::npos || m.find("aving") != std::string::npos) return fragment(at, sql, bindings, "select 1 where ", "", e);
    fragment(at, sql, bindings, "select ", "", e);
}

bool join_link(const std::string& m) { return m.find("join") != std::string::npos || m.find("Join") != std::string::npos; }

// Whether `v` is a query chain on the runner (visited by the walker as a statement of its own).
bool rooted_chain(const Node& v, const std::vector<std::string>& roots) {
    std::vector<Link> links;
    return v.kind == NodeKind::Call && chain_of(v, links) && !links.empty() &&
           std::find(roots.begin(), roots.end(), links[0].name) != roots.end();
}

bool uses_root(const Node& n, const std::vector<std::string>& roots, int depth) {
    if (depth > 64) return true;
    if (n.kind == NodeKind::Ident && (n.name == "this" || std::find(roots.begin(), roots.end(), n.name) != roots.end())) return true;
    return std::any_of(n.kids.begin(), n.kids.end(), [&](const Node& k) { return uses_root(k, roots, depth + 1); });
}

// An argument of a query chain: a literal (or a const of one), an object or array of them, a
// callback (the walker visits it as a builder), a chain on the runner (visited), a knex.raw()
// (analysed in place, read_inside). Anything else: what knex writes for it is not known; the
// source of the first such argument. Values of where links read as values (a name, a property:
// knex binds them) are taken, unless a const of a call that is no knex.raw.
std::optional<std::string> scan_arg(const std::string& m, std::size_t i, const Node& v, Emitter& e, const std::vector<std::string>& roots,
                                    int depth) {
    if (depth > 8) return e.source(v);
    if (raw_value(v)) {
        e.read_inside(v);
        fragment_in(m, v, arg(v, 0), arg(v, 1), e);
        return std::nullopt;
    }
    if (v.kind == NodeKind::Func || rooted_chain(v, roots)) return std::nullopt;
    if (v.kind == NodeKind::String || v.kind == NodeKind::Number || e.string_of(v) || e.number_of(v)) return std::nullopt;
    if (v.kind == NodeKind::Object || v.kind == NodeKind::Array) {
        for (std::size_t k = 0; k < v.kids.size(); ++k) {
            if (k < v.keys.size() && v.keys[k] == "...") return e.source(v.kids[k]);
            if (auto bad = scan_arg(m, i, v.kids[k], e, roots, depth + 1)) return bad;
        }
        return std::nullopt;
    }
    if (v.kind == NodeKind::Ident && (v.name == "true" || v.name == "false" || v.name == "null" || v.name == "undefined")) return std::nullopt;
    if (const Node* lit = e.literal_of(v); lit != nullptr && lit != &v) return scan_arg(m, i, *lit, e, roots, depth + 1);
    if (v.kind == NodeKind::Ident && e.literal_loop_variable(v)) return std::nullopt;  // for (const t of ["a", "b"])
    if (const Node* c = e.const_value(v)) {
        if (raw_value(*c)) return scan_arg(m, i, *c, e, roots, depth + 1);
        // A function kept in a const (`modify(purge)`) is not visited where it is handed: not read.
        if (c->kind == NodeKind::Func) return e.source(v);
        if (c->kind != NodeKind::Call && c->kind != NodeKind::New) return std::nullopt;
        if ((filters(m) && i >= 1) || (m == "offset" && i == 0)) return scan_arg(m, i, *c, e, roots, depth + 1);  // a value: as written there
        return e.source(v);
    }
    if (m == "limit" && i == 0) return std::nullopt;  // querybuilder.js limit(): parseInt(value, 10), a number
    if ((filters(m) && i >= 1) || (m == "offset" && i == 0)) {
        if ((v.kind == NodeKind::Ident && !e.global_name(v.name)) || v.kind == NodeKind::Member) return std::nullopt;
        // JavaScript's own functions (`JSON.stringify(x)`, `new Date()`, `String(x)`) make no knex.raw.
        if ((v.kind == NodeKind::Call || v.kind == NodeKind::New) && !v.kids.empty() && !uses_root(v, roots, 0)) {
            const Node* callee = &v.kids[0];
            while (callee->kind == NodeKind::Member && !callee->kids.empty()) callee = &callee->kids[0];
            if (callee->kind == NodeKind::Ident && e.global_name(callee->name)) return std::nullopt;
        }
        // values picked from rows (`rows.map((r) => r.key)`): an array method whose callback
        // does not use the runner returns no knex.raw.
        static const std::string_view k_arrays[] = {"map", "filter", "slice", "concat", "flat", "flatMap"};
        if (v.kind == NodeKind::Call && !v.kids.empty() && v.kids[0].kind == NodeKind::Member &&
            std::find(std::begin(k_arrays), std::end(k_arrays), v.kids[0].name) != std::end(k_arrays) && !uses_root(v, roots, 0)) {
            bool plain = true;
            for (std::size_t k = 1; k < v.kids.size(); ++k) plain = plain && (v.kids[k].kind == NodeKind::Func || e.literal_of(v.kids[k]) != nullptr);
            if (plain) return std::nullopt;
        }
    }
    return e.source(v);
}

}  // namespace

bool knex_query_chain(const Node& call, const std::vector<std::string>& roots) {
    std::vector<Link> links;
    if (!chain_of(call, links) || links.size() < 2) return false;
    if (std::find(roots.begin(), roots.end(), links[0].name) == roots.end()) return false;
    return links[1].name != "schema" && links[1].name != "raw" && links[1].name != "fn" &&
           (links[0].call != nullptr || links[1].name == "queryBuilder" || starts_query(links[1].name));
}

bool knex_query_call(const Node& call, Emitter& e, const std::vector<std::string>& roots) {
    std::vector<Link> links;
    if (!chain_of(call, links) || links.empty()) return false;
    if (std::find(roots.begin(), roots.end(), links[0].name) == roots.end()) return false;
    const std::string& last = links.back().name;
    if (last == "then" || last == "catch" || last == "finally") return false;  // the walker visits both sides
    if (links.size() > 1 && (links[1].name == "schema" || links[1].name == "raw" || links[1].name == "fn")) return false;
    // The table: knex("users"), knex.from("users"), knex.table("users"), knex.into("users").
    const Node* table_arg = nullptr;
    bool builder = false;
    std::string schema;
    if (links[0].call != nullptr) {
        builder = true;
        table_arg = arg(*links[0].call, 0);
    }
    static const std::string_view k_writes[] = {"del", "delete", "truncate", "update", "insert", "upsert", "increment", "decrement"};
    std::string op;
    bool where = false, every_row = false, dropped = false;
    std::vector<std::string> unresolved;  // where links whose condition is not read
    std::vector<std::string> subquery;    // of those, a whereNotIn of a subquery
    std::vector<std::pair<std::size_t, Filter>> conditions;  // the where links, in order
    // knex's getters (querybuilder.js `get or()`: the next where joins with OR; `get not()`: it is
    // negated, as whereNot): the next where link is read as knex compiles it. Any other link that
    // is not called is not read: the statement is not known.
    bool pend_or = false, pend_not = false;
    std::string unread;                // an uncalled link pgfence does not read
    std::string foreign;               // a called link pgfence does not read (modify(fn), using(), ...)
    std::vector<std::size_t> joins;    // the join links
    std::vector<bool> negated_unread;  // per link: a `.not` pgfence does not render
    negated_unread.assign(links.size(), false);
    static const std::string_view k_reads[] = {"from", "table", "into", "withSchema", "queryBuilder", "returning", "transacting", "connection",
                                               "debug", "timeout", "options", "queryContext", "onConflict", "ignore", "merge", "select",
                                               "columns", "column", "first", "limit", "offset", "orderBy", "hintComment", "comment",
                                               "forUpdate", "forShare", "forNoKeyUpdate", "forKeyShare", "skipLocked", "noWait", "as",
                                               "clear", "clearWhere", "clearSelect", "clearOrder", "with", "withRecursive", "withMaterialized",
                                               "withNotMaterialized", "distinct"};
    for (std::size_t i = 1; i < links.size(); ++i) {
        Link& l = links[i];
        if (l.call == nullptr) {
            if (l.name == "or") pend_or = true;
            else if (l.name == "not") pend_not = true;
            else if (l.name != "and" && unread.empty()) unread = "." + l.name;
            continue;
        }
        if (pend_or || pend_not) {
            if (!filters(l.name)) {
                if (unread.empty()) unread = std::string(pend_not ? ".not" : ".or") + " before ." + l.name + "()";
            } else {
                std::string m = l.name;
                bool is_or = pend_or || m.starts_with("or");
                if (m.starts_with("and") && m.size() > 3) m = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(m[3])))) + m.substr(4);
                if (m.starts_with("or") && m.size() > 2) m = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(m[2])))) + m.substr(3);
                if (pend_not) {
                    // where/whereIn/whereNull/whereBetween/whereExists read the not flag
                    // (querybuilder.js: `not: this._not()`): whereNot, whereNotIn, ...
                    static const std::string_view k_negates[] = {"where", "whereIn", "whereNull", "whereBetween", "whereExists"};
                    if (std::find(std::begin(k_negates), std::end(k_negates), m) != std::end(k_negates)) m = m == "where" ? "whereNot" : "whereNot" + m.substr(5);
                    else negated_unread[i] = true;
                }
                if (is_or) m = "or" + std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(m[0])))) + m.substr(1);
                l.name = m;
            }
            pend_or = pend_not = false;
        }
        if (join_link(l.name)) joins.push_back(i);
        else if (foreign.empty() && !filters(l.name) && std::find(std::begin(k_reads), std::end(k_reads), l.name) == std::end(k_reads) &&
                 std::find(std::begin(k_writes), std::end(k_writes), l.name) == std::end(k_writes)) {
            foreign = l.name;
        }
        if (i == 1 && (l.name == "queryBuilder" || starts_query(l.name))) builder = true;
        if ((l.name == "from" || l.name == "table" || l.name == "into") && arg(*l.call, 0)) table_arg = arg(*l.call, 0);
        if (l.name == "withSchema" && arg(*l.call, 0)) schema = e.string_of(*arg(*l.call, 0)).value_or("?");
        // clearWhere() and clear('where') drop every where condition before them
        // (knex/lib/query/querybuilder.js: both _clearGrouping('where')); a clear() of a name not
        // known here is taken as clearing them too: the statement may filter nothing.
        auto cleared = l.name == "clear" && arg(*l.call, 0) ? e.string_of(*arg(*l.call, 0)) : std::nullopt;
        if (l.name == "clearWhere" || (l.name == "clear" && (!cleared || *cleared == "where"))) {
            where = every_row = false;
            dropped = true;
            conditions.clear();
            continue;
        }
        if (filters(l.name)) {
            // A condition that keeps every row filters nothing; OR-ed with the others, it undoes
            // them. One pgfence does not read may keep every row: the same, noted as such.
            Filter f = negated_unread[i] ? Filter::Unresolved : where_filter(l, e);
            conditions.emplace_back(i, f);
            bool all = f != Filter::Narrow;
            if (all && l.name.rfind("or", 0) == 0) every_row = true;
            if (!all) where = true;
            dropped = dropped || f == Filter::EveryRow;
            if (f == Filter::Unresolved) {
                Node args;
                args.begin = arg(*l.call, 0) ? arg(*l.call, 0)->begin : 0;
                args.end = l.call->kids.back().end;
                unresolved.push_back("`" + l.name + "(" + shown(e.source(args)) + ")`");
                // whereNotIn(column, subquery): knex writes `"column" not in (select ...)`
                // (querycompiler.js whereIn() wraps the builder as a subquery). pgfence does not
                // render it, and dropping it would read a filtered statement as one of every row.
                const Node* values = arg_count(*l.call) == 2 ? arg(*l.call, 1) : nullptr;
                if (values != nullptr && (values->kind == NodeKind::Func || rooted_chain(*values, roots))) subquery.push_back(unresolved.back());
            }
        }
        if (op.empty() && std::find(std::begin(k_writes), std::end(k_writes), l.name) != std::end(k_writes)) op = l.name;
    }
    if (!builder) return false;
    if (pend_or || pend_not) unread = pend_not ? ".not at the end" : ".or at the end";
    // What each argument is (scan_arg): a knex.raw() is analysed in its place, a callback and a
    // chain are visited by the walker; a select is clean only when nothing else is handed to it.
    std::string odd;
    for (std::size_t i = 0; i < links.size(); ++i) {
        // (On a write, a where's knex.raw is its condition: one pgfence does not read pins no row.)
        if (links[i].call == nullptr || (!op.empty() && filters(links[i].name))) continue;
        // whereRaw("..."), fromRaw, joinRaw, orderByRaw, havingRaw: SQL knex writes in its place.
        // (On a write, whereRaw is its condition, rendered there.)
        const Node* raw_sql = op.empty() && links[i].name.ends_with("Raw") ? arg(*links[i].call, 0) : nullptr;
        if (raw_sql != nullptr && raw_sql->kind != NodeKind::Call && e.string_of(*raw_sql)) {
            fragment_in(links[i].name, *links[i].call, raw_sql, arg(*links[i].call, 1), e);
        }
        for (std::size_t k = 0; arg(*links[i].call, k) != nullptr; ++k) {
            auto bad = scan_arg(i == 0 ? std::string("from") : links[i].name, k, *arg(*links[i].call, k), e, roots, 0);
            if (bad && odd.empty()) odd = "`" + shown(*bad) + "` handed to ." + (i == 0 ? links[0].name : links[i].name) + "()";
        }
    }
    if (every_row) where = false;
    auto index_of = [&] { return e.add_call(call, dotted_name(call.kids[0]).empty() ? links[0].name + "(...)." + last : dotted_name(call.kids[0]), false); };
    if (op.empty()) {
        // a select: reads rows, sends nothing that changes them, when pgfence reads all it is given
        if (unread.empty() && odd.empty()) return true;
        e.unknown(call, index_of(), "knex query builder: " + (unread.empty() ? odd + ", which pgfence does not read (knex writes it into the query it sends)"
                                                                              : "the link `" + unread + "` is not read (knex/lib/query/querybuilder.js)") +
                                        ": what the query sends is not known");
        return true;
    }
    int index = index_of();
    if (!unread.empty()) {
        e.unknown(call, index, "knex query builder ." + op + "(): the link `" + unread + "` is not read (knex/lib/query/querybuilder.js): what it sends is not known");
        return true;
    }
    auto name = table_arg ? e.string_of(*table_arg) : std::nullopt;
    if (!name) {
        e.unknown(call, index, "knex query builder ." + op + "() on a table the extractor cannot read");
        return true;
    }
    std::string table = quote_qualified(schema.empty() ? *name : schema + "." + *name);
    std::vector<std::string> notes = {"knex query builder: the SQL knex's PostgreSQL dialect emits"};
    if (!foreign.empty() && where) {
        // modify(fn) calls fn with the builder (querybuilder.js modify()), which may add an
        // orWhere; using(), updateFrom() and the like add tables: the where may not pin rows.
        where = false;
        notes.push_back("its link ." + foreign + "() is not read: the where conditions are not known to pin rows, analysed without a where clause");
    }
    // A delete with joins: pg-querycompiler.js del() writes them as `using` and their clauses as
    // where conditions after the others; its where narrows only on the target's own column,
    // qualified with its name or alias (an unqualified one may be the joined table's). (Its
    // update() writes no join.)
    std::string using_sql, join_on;
    if ((op == "del" || op == "delete") && !joins.empty()) {
        auto table_sql = [](const std::string& t, std::string& alias) -> std::optional<std::string> {
            std::size_t as = t.find(" as ");
            std::string base = as == std::string::npos ? t : t.substr(0, as);
            alias = as == std::string::npos ? base.substr(base.rfind('.') == std::string::npos ? 0 : base.rfind('.') + 1) : t.substr(as + 4);
            if (base.empty() || alias.empty() || (base + alias).find_first_of(" \"'`()*") != std::string::npos) return std::nullopt;
            return quote_qualified(base) + (as == std::string::npos ? "" : " as " + quote_ident(alias));
        };
        std::string alias;
        if (!table_sql(*name, alias)) {
            e.unknown(call, index, "knex query builder ." + op + "() with a join on a table the extractor cannot read");
            return true;
        }
        for (std::size_t j : joins) {
            const Link& l = links[j];
            auto t = arg(*l.call, 0) ? e.string_of(*arg(*l.call, 0)) : std::nullopt;
            std::string other;
            auto wrapped = t && l.name != "joinRaw" ? table_sql(*t, other) : std::nullopt;
            if (!wrapped) {
                e.unknown(call, index, "knex query builder ." + op + "() with ." + l.name + "(...), a join pgfence does not read (knex writes it as `using`)");
                return true;
            }
            using_sql += (using_sql.empty() ? " using " : ",") + *wrapped;
            const std::size_t n = arg_count(*l.call);
            auto a = n >= 3 ? column_sql(arg(*l.call, 1), e) : std::nullopt;
            auto b = n >= 3 ? column_sql(arg(*l.call, n - 1), e) : std::nullopt;
            auto op_text = n == 4 ? e.string_of(*arg(*l.call, 2)) : std::optional<std::string>("=");
            if (a && b && op_text && (*op_text == "=" || *op_text == "<>" || *op_text == "<" || *op_text == ">")) {
                join_on += " and " + *a + " " + *op_text + " " + *b;
            }
        }
        bool pinned = false, ored = false;
        for (const auto& [at, f] : conditions) {
            const Link& l = links[at];
            if (l.name.starts_with("or")) ored = true;
            auto col = arg(*l.call, 0) ? e.string_of(*arg(*l.call, 0)) : std::nullopt;
            std::size_t dot = col ? col->rfind('.') : std::string::npos;
            if (f == Filter::Narrow && dot != std::string::npos && arg_count(*l.call) >= 2) {
                std::string q = col->substr(0, dot);
                pinned = pinned || q == alias || q == *name;
            }
        }
        if (where && (!pinned || ored)) {
            where = false;
            notes.push_back("its where conditions do not pin a column of " + table + " qualified with its name (a joined table's column pins that table's rows): "
                            "analysed without a where clause");
        }
        if (!where) join_on.clear();
    }
    // The where clause, its parameters numbered after `first` (an update's set values come first:
    // querycompiler.js update() binds the values, then the wheres).
    bool raw_unplaced = false;  // a where link's knex.raw() not written in place (condition_sql())
    auto where_sql = [&](int first) {
        if (!where) return std::string();
        std::string out;
        int next = first;
        for (const auto& [at, f] : conditions) {
            const Link& l = links[at];
            out += out.empty() ? " where " : l.name.starts_with("or") ? " or " : " and ";
            out += condition_sql(l, f, e, next, raw_unplaced, roots);
        }
        return out;
    };
    // A raw condition is written as knex writes it, and the statement judged as SQL; one whose text
    // or bindings pgfence cannot place is not known: its where may keep any rows.
    for (const auto& [at, f] : conditions) {
        const Node *raw_sql = nullptr, *raw_bindings = nullptr;
        int scratch = 1;
        if (where && f == Filter::Narrow && raw_link(links[at], raw_sql, raw_bindings) && !raw_condition(raw_sql, raw_bindings, e, scratch)) {
            e.unknown(call, index, "knex query builder ." + op + "() on " + table + " filtered by ." + links[at].name + "(" +
                                       shown(e.source(*raw_sql)) + "), a raw condition whose text or bindings pgfence does not place "
                                       "(knex writes it as is, unparenthesized): which rows it reaches is not known");
            return true;
        }
    }
    std::string filter = where_sql(1);
    if (where) notes.push_back("knex where(...) conditions as knex renders them, a condition not read as a parameter of its own");
    if (dropped && !where) {
        notes.push_back("its where(true) / where({}) / whereRaw('true') or clearWhere() / clear('where') keeps every row: analysed without a where clause");
    }
    if (!unresolved.empty() && !where) {
        std::string list;
        for (const auto& u : unresolved) list += (list.empty() ? "" : ", ") + u;
        notes.push_back("its condition " + list + " is not known statically (a variable, a spread, a subquery): it may keep every row, "
                        "so it is analysed without a where clause");
    }
    if (!subquery.empty() && !where && op != "insert" && op != "truncate") {
        e.unknown(call, index, "knex query builder ." + op + "() on " + table + " filtered by " + subquery.front() +
                                   ", a subquery pgfence does not render (knex writes `not in (select ...)`): which rows it "
                                   "reaches is not known (every row when the subquery returns none)");
        return true;
    }
    const Node* values = nullptr;
    for (const Link& l : links) {
        if (l.name == op && l.call != nullptr) values = arg(*l.call, 0);
    }
    std::string sql;
    if (op == "truncate") {
        sql = "truncate " + table + " restart identity";
    } else if (op == "del" || op == "delete") {
        if (!using_sql.empty()) {
            sql = "delete from " + table + using_sql + (where ? filter + join_on : "");
        } else {
            sql = "delete from " + table + filter;
        }
    } else if (op == "update") {
        std::string set;
        if (auto cols = columns(values)) {
            int n = 0;
            const Node* object = values->kind == NodeKind::Array ? &values->kids[0] : values;
            for (std::size_t k = 0; k < cols->size(); ++k) {
                // knex.ref('c') is the column, written as the formatter wraps it (knex 3.3.0
                // lib/ref.js toSQL(): `this.client.formatter(...).columnize(this._ref)`), no parameter.
                auto ref = k < object->kids.size() ? ref_column(object->kids[k], e) : std::nullopt;
                set += (set.empty() ? "" : ", ") + (*cols)[k] + " = " + (ref ? *ref : "$" + std::to_string(++n));
            }
            filter = where_sql(n + 1);
        } else if (auto col = values ? e.string_of(*values) : std::nullopt) {
            set = quote_ident(*col) + " = $1";
            filter = where_sql(2);
        } else {
            e.unknown(call, index, "knex query builder .update() of every row of " + table + " with values the extractor cannot read" +
                                       (where ? " (filtered by where)" : " (no where: every row)"));
            return true;
        }
        sql = "update " + table + " set " + set + filter;
    } else if (op == "increment" || op == "decrement") {
        auto col = values ? e.string_of(*values) : std::nullopt;
        if (!col) {
            e.unknown(call, index, "knex query builder ." + op + "() of a column the extractor cannot read");
            return true;
        }
        sql = "update " + table + " set " + quote_ident(*col) + " = " + quote_ident(*col) + (op == "increment" ? " + " : " - ") +
              "$1" + where_sql(2);
    } else if (op == "insert") {
        auto cols = columns(values);
        if (!cols) {
            e.unknown(call, index, "knex query builder .insert() into " + table + " with rows the extractor cannot read");
            return true;
        }
        std::string list, params;
        int n = 0;
        for (const auto& c : *cols) {
            list += (list.empty() ? "" : ", ") + c;
            params += (params.empty() ? "$" : ", $") + std::to_string(++n);
        }
        sql = "insert into " + table + " (" + list + ") values (" + params + ")";
    } else {
        e.unknown(call, index, "knex query builder ." + op + "() on " + table + " is not modelled");
        return true;
    }
    if (raw_unplaced) {
        e.unknown(call, index, "knex query builder ." + op + "() on " + table + ": a where condition is given a knex.raw() pgfence does not "
                                   "write in place (knex writes its text as is, unparenthesized): which rows it reaches is not known");
        return true;
    }
    e.generated(call, index, sql, notes);
    return true;
}

}  // namespace pgfence::analyze::orm
