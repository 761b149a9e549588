#pragma once
// The types of the columns CREATE TABLE AS and SELECT INTO make, as far as the catalog knows them,
// for a domain's DEFAULT (issue 53): a column of a domain made so has no default of its own, and
// the domain's DEFAULT fills it on every INSERT that gives it no value.
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"

namespace pgfence::analyze::model {

struct QueryColumn {
    std::string name;
    // The type's last name ("[]" after it for an array); "" for a type known to be no domain
    // (a constant, a built-in function's result of no domain); nullopt when not known.
    std::optional<std::string> type;
};

// The columns a table made from `query` gets, renamed by `names` where given. One column of
// name "*" and no type where even the columns are not known.
[[nodiscard]] std::vector<QueryColumn> query_column_types(const pg::Node* query, const List* names, const Catalog& catalog);

// The domains a DEFAULT calling a function was given (CREATE or ALTER DOMAIN), as Catalog object
// uses under this key (no name PostgreSQL stores holds a NUL byte); record_attachments keeps them.
inline const std::string k_domains_with_default_key{"\0domains-with-default", 21};
// One of them whose DEFAULT still calls a function (Catalog::domain_functions); "" for none.
[[nodiscard]] std::string domain_with_default_functions(const Catalog& catalog);

// SELECT ... INTO's clause; of a UNION, INTERSECT or EXCEPT it is on the leftmost SELECT (gram.y
// insertSelectOptions leaves it there; analyze.c transformSetOperationStmt takes it from there).
[[nodiscard]] const IntoClause* select_into(const pg::Node* stmt);

// CREATE TABLE AS or SELECT INTO (not a materialized view) while a domain whose DEFAULT calls a
// function exists: why a column it makes may be of that domain without pgfence knowing, or
// nullopt when every column's type is known (or no such domain exists).
[[nodiscard]] std::optional<std::string> unknown_query_column_domain(const pg::Node* stmt, const Catalog& catalog);

}  // namespace pgfence::analyze::model
