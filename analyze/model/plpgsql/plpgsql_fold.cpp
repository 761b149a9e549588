#include "analyze/model/plpgsql/plpgsql_fold.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/search_paths.hpp"
#include "analyze/model/stored_builtins.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {
namespace {

// A folded value: SQL's NULL, or text.
struct Value {
    bool null = false;
    std::string text;
};

struct Folder {
    const FoldedVariables& variables;
    FoldBudget& budget;
    const Catalog* catalog;   // what the migrations (and the history) created; null: nothing known
    bool catalog_first;       // pg_catalog is searched before any other schema (search_path)
    std::string_view source;  // the text parsed: the constants' locations are into it

    // Takes the bytes of a new value from the budget; false past it.
    bool spend(std::size_t bytes) {
        if (bytes > budget.bytes) return false;
        budget.bytes -= bytes;
        return true;
    }

    std::optional<Value> made(std::string text) {
        if (!spend(text.size())) return std::nullopt;
        return Value{false, std::move(text)};
    }

    std::optional<Value> fold(const pg::Node* node);
    std::optional<Value> number(const A_Const* c);
    bool builtin_text_type(const TypeName* type) const;
    bool builtin_concat(const List* name) const;
    bool builtin_function(const List* name) const;
    std::optional<Value> call(const FuncCall* call);
    std::optional<Value> format(const std::vector<Value>& args);
};

// PostgreSQL's quote_identifier (src/backend/utils/adt/ruleutils.c), as quote_ident() and
// format()'s %I use it; names.cpp holds the same rule for the names pgfence prints. A name that
// starts with '$' is quoted here (names.cpp reads such a name as a template placeholder).
std::string quoted_ident(std::string_view name) {
    if (!name.empty() && name.front() != '$') return quote_ident(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

// PostgreSQL's quote_literal (src/backend/utils/adt/quote.c): quotes doubled, and a backslash
// doubled with an E'' string.
std::string quoted_literal(std::string_view text) {
    if (text.find('\\') == std::string_view::npos) return quote_literal(text);
    std::string out = "E'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + '\'';
}

std::optional<Value> Folder::fold(const pg::Node* node) {
    if (const A_Const* c = pg::as<A_Const>(node)) {
        if (c->isnull) return Value{true, {}};
        switch (c->val.node.type) {
            case T_String: return made(std::string(pg::text(c->val.sval.sval)));
            case T_Integer:
            case T_Float: return number(c);
            case T_Boolean: return made(c->val.boolval.boolval ? "true" : "false");
            default: return std::nullopt;
        }
    }
    if (const ColumnRef* ref = pg::as<ColumnRef>(node); ref != nullptr && pg::length(ref->fields) == 1) {
        auto it = variables.find(pg::text(pg::nth(ref->fields, 0)));
        if (it == variables.end()) return std::nullopt;
        return made(it->second);
    }
    if (const TypeCast* cast = pg::as<TypeCast>(node)) {
        if (!builtin_text_type(cast->typeName)) return std::nullopt;
        return fold(cast->arg);
    }
    if (const A_Expr* e = pg::as<A_Expr>(node)) {
        if (e->kind != AEXPR_OP || !builtin_concat(e->name) || e->lexpr == nullptr) return std::nullopt;
        auto left = fold(e->lexpr);
        if (!left) return std::nullopt;
        auto right = fold(e->rexpr);
        if (!right) return std::nullopt;
        if (left->null || right->null) return Value{true, {}};  // NULL || 'x' is NULL
        return made(left->text + right->text);
    }
    if (const FuncCall* f = pg::as<FuncCall>(node)) return call(f);
    return std::nullopt;
}

// A number as PostgreSQL prints it where text takes it (int4out, int8out, numeric_out): the
// constant as written, and only when that already is the printed form. `2024e0`, `1e2`, `.5`,
// `5.` and `007` print as 2024, 100, 0.5, 5 and 7 (`'DROP TABLE events_' || 2024e0` drops
// events_2024); `0x10`, `0o17`, `0b1` and `1_000` are PostgreSQL 16's forms of 16, 15, 1 and 1000,
// which 15 rejects ("trailing junk after numeric literal") and 11 to 14 read as `0` followed by a
// column alias. None of those is folded (red team r70 F13). `1.50` prints as 1.50 (numeric keeps
// its scale); a negative zero prints without its sign, so it is not folded either.
std::optional<Value> Folder::number(const A_Const* c) {
    // A cast the migrations made (CREATE CAST (integer AS text) WITH FUNCTION f) turns a number
    // into f's text, for `::text` and for `'t' || 5` alike (stored_builtins.hpp created_casts_key).
    if (const std::vector<std::string>* casts = catalog != nullptr ? catalog->object_uses(created_casts_key()) : nullptr;
        casts != nullptr && !casts->empty()) {
        return std::nullopt;
    }
    std::string text = c->val.node.type == T_Integer ? std::to_string(c->val.ival.ival) : std::string(pg::text(c->val.fval.fval));
    const auto digit = [&](std::size_t at) { return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0; };
    std::size_t i = !text.empty() && text.front() == '-' ? 1 : 0;
    const std::size_t first = i;
    while (digit(i)) ++i;
    if (i == first || (text[first] == '0' && i - first > 1)) return std::nullopt;  // no digits, or a leading zero
    if (i < text.size() && text[i] == '.') {
        const std::size_t fraction = ++i;
        while (digit(i)) ++i;
        if (i == fraction) return std::nullopt;  // `5.` prints as 5
    }
    if (i != text.size()) return std::nullopt;  // an exponent, an underscore, another base
    if (first == 1 && text.find_first_not_of("0.", 1) == std::string::npos) return std::nullopt;  // -0.0
    // The source must hold the same text (the parser gives `0x10` as 16, `- 5` as -5): a
    // negative constant's location is its sign's (gram.y doNegate).
    if (c->location < 0) return std::nullopt;
    const auto at = static_cast<std::size_t>(c->location);
    if (at > source.size() || source.substr(at, text.size()) != text) return std::nullopt;
    const std::size_t after = at + text.size();
    if (after < source.size() && (std::isalnum(static_cast<unsigned char>(source[after])) != 0 || source[after] == '_' || source[after] == '.')) {
        return std::nullopt;
    }
    return made(std::move(text));
}

// Only a cast to pg_catalog's text or varchar without a length keeps every character:
// `::varchar(17)` and `::name` (63 bytes) cut the text PostgreSQL runs. A type of that name in
// another schema is another type (a DOMAIN app.text AS varchar(16): an explicit cast to it applies
// the length, red team r70 F1), and an unqualified name of a type or domain the migrations or the
// history made may be that one (search_path can put its schema before pg_catalog): not folded.
// `varchar` and `character varying` are written as pg_catalog.varchar by the parser.
bool Folder::builtin_text_type(const TypeName* type) const {
    if (type == nullptr || type->arrayBounds != nullptr || type->typmods != nullptr || type->setof || type->pct_type) return false;
    const std::string_view name = pg::text(pg::last(type->names));
    if (name != "text" && name != "varchar") return false;
    const int parts = pg::length(type->names);
    if (parts == 2) return pg::text(pg::nth(type->names, 0)) == "pg_catalog";
    return parts == 1 && catalog_first && (catalog == nullptr || !catalog->is_known_type(std::string(name)));
}

// `||` as pg_catalog's: written without a schema or as OPERATOR(pg_catalog.||), and no `||` of the
// migrations' or the history's own (CREATE OPERATOR, in any schema: PostgreSQL picks among every
// candidate on the search_path the one whose argument types match best, and pgfence does not know
// which schema the catalog's is in). OPERATOR(app.||) runs app's function (red team r70 F1-B).
bool Folder::builtin_concat(const List* name) const {
    const int parts = pg::length(name);
    if (pg::text(pg::last(name)) != "||" || (parts == 2 ? pg::text(pg::nth(name, 0)) != "pg_catalog" : parts != 1 || !catalog_first)) {
        return false;
    }
    const std::vector<std::string>* made = catalog != nullptr ? catalog->object_uses(operator_function_key("||")) : nullptr;
    return made == nullptr || made->empty();
}

// A call of pg_catalog's function: written without a schema or with pg_catalog, and no function,
// procedure or aggregate of that name the migrations or the history made: `public.format(text, int)`
// is chosen over pg_catalog.format(text, VARIADIC "any") for format('SELECT %s', 1) (one exact
// argument match; red team r70 F1-C).
bool Folder::builtin_function(const List* name) const {
    const int parts = pg::length(name);
    if (parts == 2 ? pg::text(pg::nth(name, 0)) != "pg_catalog" : parts != 1 || !catalog_first) return false;
    if (catalog == nullptr) return true;
    const std::string last(pg::text(pg::last(name)));
    const auto* made = catalog->functions(last);
    const std::vector<std::string>* aggregates = catalog->object_uses(aggregate_key(last));
    return (made == nullptr || made->empty()) && (aggregates == nullptr || aggregates->empty());
}

std::optional<Value> Folder::call(const FuncCall* f) {
    if (f->agg_order != nullptr || f->agg_filter != nullptr || f->over != nullptr || f->agg_star || f->agg_distinct ||
        f->func_variadic) {
        return std::nullopt;
    }
    if (!builtin_function(f->funcname)) return std::nullopt;
    const std::string_view name = pg::text(pg::last(f->funcname));
    std::vector<Value> args;
    for (const pg::Node* a : pg::each(f->args)) {
        auto v = fold(a);
        if (!v) return std::nullopt;
        args.push_back(std::move(*v));
    }
    if (name == "concat") {  // NULL arguments are left out (varlena.c, concat_internal)
        std::string out;
        for (const auto& a : args) out += a.text;
        return made(std::move(out));
    }
    if (name == "concat_ws") {  // NULL arguments after the separator are left out; a NULL separator gives NULL
        if (args.empty()) return std::nullopt;
        if (args[0].null) return Value{true, {}};
        std::string out;
        bool first = true;
        for (std::size_t i = 1; i < args.size(); ++i) {
            if (args[i].null) continue;
            out += (first ? "" : args[0].text) + args[i].text;
            first = false;
        }
        return made(std::move(out));
    }
    if (args.size() != 1 && name != "format") return std::nullopt;
    if (name == "quote_ident") return args[0].null ? Value{true, {}} : made(quoted_ident(args[0].text));
    if (name == "quote_literal") return args[0].null ? Value{true, {}} : made(quoted_literal(args[0].text));
    if (name == "quote_nullable") return made(args[0].null ? "NULL" : quoted_literal(args[0].text));
    if (name == "format") return format(args);
    return std::nullopt;
}

// format() as src/backend/utils/adt/varlena.c's text_format: %s (NULL as nothing), %I
// (quote_identifier; NULL is an error), %L (quote_literal; NULL as NULL), %% and an argument's
// position (%2$s). Widths and the '-' flag are not folded: they leave the call unknown.
std::optional<Value> Folder::format(const std::vector<Value>& args) {
    if (args.empty()) return std::nullopt;
    if (args[0].null) return Value{true, {}};
    const std::string& fmt = args[0].text;
    std::string out;
    std::size_t next = 1;  // the argument an unpositioned specifier takes
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out += fmt[i];
            continue;
        }
        if (++i >= fmt.size()) return std::nullopt;  // "unterminated format() type specifier"
        if (fmt[i] == '%') {
            out += '%';
            continue;
        }
        std::size_t arg = next;
        if (std::isdigit(static_cast<unsigned char>(fmt[i]))) {
            std::size_t position = 0;
            while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i])) && position < 100000) {
                position = position * 10 + static_cast<std::size_t>(fmt[i++] - '0');
            }
            if (i >= fmt.size() || fmt[i] != '$' || position == 0) return std::nullopt;  // a width, or bad
            arg = position;
            ++i;
            if (i >= fmt.size()) return std::nullopt;
        }
        const char type = fmt[i];
        if (type != 's' && type != 'I' && type != 'L') return std::nullopt;  // flags, widths, or an error
        if (arg >= args.size()) return std::nullopt;                         // "too few arguments for format()"
        next = arg + 1;
        const Value& v = args[arg];
        if (type == 's') out += v.text;
        else if (type == 'L') out += v.null ? "NULL" : quoted_literal(v.text);
        else if (v.null) return std::nullopt;  // "null values cannot be formatted as an SQL identifier"
        else out += quoted_ident(v.text);
    }
    return made(std::move(out));
}

}  // namespace

std::optional<std::string> fold_text(std::string_view expr, const FoldedVariables& variables, FoldBudget& budget,
                                     const std::shared_ptr<void>&, const model::Context* ctx) {
    // An arena of its own, freed on return: only the folded text is kept, so a block of many
    // EXECUTEs does not keep every expression's tree until the file ends.
    const std::string source = "SELECT " + std::string(expr);
    ParsedStatement parsed = parse_statement(source);
    const SelectStmt* select = pg::as<SelectStmt>(parsed.stmt);
    if (parsed.failure || select == nullptr || pg::length(select->targetList) != 1 || select->fromClause != nullptr ||
        select->whereClause != nullptr || select->op != SETOP_NONE) {
        return std::nullopt;
    }
    const ResTarget* target = pg::as<ResTarget>(pg::nth(select->targetList, 0));
    if (target == nullptr) return std::nullopt;
    // pg_catalog comes first unless a SET search_path lists it after another schema (namespace.c:
    // it is searched first when the path does not name it), or a role's or database's remembered
    // path does (the sessions of a later migration may get it).
    bool catalog_first = true;
    if (ctx != nullptr) {
        const auto& path = ctx->search_path;
        const auto at = std::find(path.begin(), path.end(), "pg_catalog");
        catalog_first = (at == path.end() || at == path.begin()) && !model::remembered_path_puts_catalog_later(ctx->catalog);
    }
    Folder folder{variables, budget, ctx != nullptr ? &ctx->catalog : nullptr, catalog_first, source};
    auto value = folder.fold(target->val);
    if (!value || value->null) return std::nullopt;  // EXECUTE of NULL is an error
    return std::move(value->text);
}

}  // namespace pgfence::analyze
