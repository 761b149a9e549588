#pragma once
// Constant folding of the text a PL/pgSQL EXECUTE runs (issue #53): `'DROP TABLE ' || 'users'`,
// concat(...), format('DROP TABLE %I', 'users') and the body's variables that hold a constant
// are SQL pgfence can read after all. What does not fold stays dynamic SQL, unknown.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze {

namespace model {
struct Context;
}

// The constant text of the body's variables at a point of the walk, by name.
using FoldedVariables = std::map<std::string, std::string, std::less<>>;

// What folding may still produce: every folded text is taken from it, so that a body that
// doubles a variable again and again (`t := t || t`) costs no more than its own size allows.
struct FoldBudget {
    std::size_t bytes = 0;
};

// The text `expr` (a PL/pgSQL expression, as EXECUTE or `:=` hold it) evaluates to, when it is
// built only of string and number constants, `variables`, `||`, concat(), concat_ws(),
// format() (%s, %I, %L, %%, positions such as %1$s), quote_ident(), quote_literal(),
// quote_nullable() and casts to text; nullopt for anything else (a column, a function call, a
// NULL where PostgreSQL would fail) or past the budget. Each type, operator and function must
// certainly be pg_catalog's: `ctx`'s catalog holds what the migrations and the history made,
// whose same-named types, `||` operators and functions leave the text unfolded, and a SET
// search_path that lists another schema before pg_catalog leaves every unqualified name
// unfolded (null: nothing known of either); a number folds only when it is written as
// PostgreSQL prints it.
[[nodiscard]] std::optional<std::string> fold_text(std::string_view expr, const FoldedVariables& variables,
                                                   FoldBudget& budget, const std::shared_ptr<void>& arena,
                                                   const model::Context* ctx);

}  // namespace pgfence::analyze
