#pragma once
// search_path defaults the migrations gave a role or database (ALTER ROLE r [IN DATABASE d] SET
// search_path = ..., ALTER DATABASE d SET search_path = ...), remembered in the catalog across
// files and --history (as Catalog object uses, under a key no name can have). A later CREATE TABLE
// of a name an existing relation has in another schema, in a schema such a path lists before that
// one, shadows it: the sessions that get the path (the application's, when it connects as that
// role or to that database) resolve the unqualified name to the new, empty table from the moment
// it commits (namespace.c RangeVarGetRelidExtended: the first schema of the path that has the name;
// red team h1 T_PATHSHADOW, PostgreSQL 15: the application's SELECT count(*) FROM invoices went
// from 2 to 0). The lock model notes it (k_path_shadow_note); schema-shadows-role-path reports it.
#include <string>
#include <string_view>

#include "analyze/model/model.hpp"
#include "analyze/model/path_shadow_note.hpp"

namespace pgfence::analyze::model {

// ALTER ROLE / ALTER DATABASE / ALTER SYSTEM ... SET search_path (= ..., or FROM CURRENT):
// remembered; a later SET, RESET (search_path or ALL) or SET ... TO DEFAULT for the same role or
// database replaces it.
void remember_search_path(const pg::Node* stmt, Context& ctx);

// Whose default search_path the migrations set, the first one ("role app", "database app", "the
// server"), whatever a later RESET did (which role a later migration connects as is not known);
// "" when none. Its sessions may resolve a type's or relation's unqualified name elsewhere.
[[nodiscard]] std::string remembered_default_path(const Catalog& catalog);

// Whether a search_path remembered for a role or database lists another schema before pg_catalog
// (ALTER ROLE app SET search_path = app, pg_catalog): the sessions that get it find that schema's
// types, operators and functions before pg_catalog's for an unqualified name.
[[nodiscard]] bool remembered_path_puts_catalog_later(const Catalog& catalog);

// The schema a CREATE of `rv` makes its relation in: the one written, else the first schema of the
// session's SET search_path (ctx.search_path: a RESET or SET ... TO DEFAULT empties it), else public.
[[nodiscard]] std::string creation_schema(const RangeVar* rv, const Context& ctx);

// CREATE TABLE `created` (schema `schema`, "public" when unqualified) while `existing`, of the same
// relname, is known: a note for each remembered path that lists `schema` before the existing one's.
// `made`: what the CREATE makes, "table" or "view".
void note_path_shadow(const std::string& schema, const std::string& display, const RelationInfo& existing,
                      StatementFacts& facts, const Context& ctx, std::string_view made = "table");

}  // namespace pgfence::analyze::model
