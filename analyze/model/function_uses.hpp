#pragma once
// What already calls a function name, for a statement that creates, replaces or alters a function
// of that name (red team c, section 19): PostgreSQL resolves a call by name, argument types and
// search_path each time it runs, so a new overload, a function of the same name in a schema
// earlier on the path, a new body, or a changed search_path, owner or SECURITY of the function
// changes what every existing caller runs from the moment it commits. Callers: the relations'
// attached functions (triggers, defaults, checks, views: standing_uses), the objects that run a
// function wherever they are used (operators, casts, policies, domain defaults:
// Catalog::object_uses), and the bodies of the functions earlier migrations created that call
// the name. Matched by name only (any argument types, any schema): more callers, never fewer.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

class FunctionUses {
public:
    // How each existing caller of `name` (schema as written, "" for any) reaches it, at most
    // k_max of them; the function's own earlier bodies are not callers of it.
    [[nodiscard]] std::vector<std::string> of(const Catalog& catalog, const std::string& name, const std::string& schema);
    // The earlier migrations' functions (Catalog::functions_existing) are matched by the names
    // their definitions call, each definition read once a process (function_uses.cpp), not once
    // a file: a chained run's catalogs share them.
    static constexpr std::size_t k_max = 100;
};

// The names `text` writes as calls: an identifier (unquoted, folded to lower case, or quoted)
// followed by `(`, each once. A superset of what the body calls (type modifiers and keywords
// come too), read from the text so that dynamic SQL's literals count as well.
[[nodiscard]] std::vector<std::string> called_names(const std::string& text);

// A statement that changes how an existing function runs without giving it a new body: ALTER
// FUNCTION with SET (search_path), SECURITY, STRICT, a volatility (not COST, ROWS, PARALLEL or
// SUPPORT, which change no result), RENAME, OWNER TO, SET SCHEMA. The function (null: none), and
// the change in `change`.
[[nodiscard]] const ObjectWithArgs* altered_function(const pg::Node* stmt, std::string& change);

}  // namespace pgfence::analyze
