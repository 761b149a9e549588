#pragma once
// Type changes: which ALTER COLUMN ... TYPE changes PostgreSQL can do without rewriting
// (binary-coercible casts, and typmod changes its support functions accept).
#include <string>

namespace pgfence::analyze::model {

enum class TypeChange { NoRewrite, Rewrite, DependsOnTimeZone };

// `from` and `to` are canonical types (catalog.hpp); `using_clause` is true when the
// statement has USING.
[[nodiscard]] TypeChange classify_type_change(const std::string& from, const std::string& to,
                                              bool using_clause, int pg_version, std::string& why);

}  // namespace pgfence::analyze::model
