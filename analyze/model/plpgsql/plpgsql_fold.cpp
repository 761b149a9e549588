#include "analyze/model/plpgsql/plpgsql_fold.hpp"

#include <cctype>
#include <vector>

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
            case T_Integer: return made(std::to_string(c->val.ival.ival));
            case T_Float: return made(std::string(pg::text(c->val.fval.fval)));
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
        std::string_view type = cast->typeName != nullptr ? pg::text(pg::last(cast->typeName->names)) : std::string_view();
        // Only casts that keep every character: `::varchar(17)` and `::name` (63 bytes) cut the
        // text PostgreSQL runs, so a longer constant is not what EXECUTE receives.
        if (cast->typeName == nullptr || cast->typeName->arrayBounds != nullptr || cast->typeName->typmods != nullptr ||
            (type != "text" && type != "varchar")) {
            return std::nullopt;
        }
        return fold(cast->arg);
    }
    if (const A_Expr* e = pg::as<A_Expr>(node)) {
        if (e->kind != AEXPR_OP || pg::text(pg::last(e->name)) != "||" || e->lexpr == nullptr) return std::nullopt;
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

std::optional<Value> Folder::call(const FuncCall* f) {
    if (f->agg_order != nullptr || f->agg_filter != nullptr || f->over != nullptr || f->agg_star || f->agg_distinct ||
        f->func_variadic) {
        return std::nullopt;
    }
    const int parts = pg::length(f->funcname);
    if (parts > 2 || (parts == 2 && pg::text(pg::nth(f->funcname, 0)) != "pg_catalog")) return std::nullopt;
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
                                     const std::shared_ptr<void>&) {
    // An arena of its own, freed on return: only the folded text is kept, so a block of many
    // EXECUTEs does not keep every expression's tree until the file ends.
    ParsedStatement parsed = parse_statement("SELECT " + std::string(expr));
    const SelectStmt* select = pg::as<SelectStmt>(parsed.stmt);
    if (parsed.failure || select == nullptr || pg::length(select->targetList) != 1 || select->fromClause != nullptr ||
        select->whereClause != nullptr || select->op != SETOP_NONE) {
        return std::nullopt;
    }
    const ResTarget* target = pg::as<ResTarget>(pg::nth(select->targetList, 0));
    if (target == nullptr) return std::nullopt;
    Folder folder{variables, budget};
    auto value = folder.fold(target->val);
    if (!value || value->null) return std::nullopt;  // EXECUTE of NULL is an error
    return std::move(value->text);
}

}  // namespace pgfence::analyze
