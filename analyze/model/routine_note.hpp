#pragma once
// DROP, RENAME TO, SET SCHEMA and ALTER FUNCTION of functions, procedures and aggregates (rules
// drop-function, rename-function and function-options-changed): for each routine the statement names, whether the migrations pgfence read made
// it before this migration ("earlier"), in this migration ("here"), or not at all ("not-seen"), and
// whether it returns trigger (no application calls a trigger function by its name; its triggers
// hold it by OID). One note per routine:
//   "routine: <earlier|here|not-seen> <trigger|callable> <name>(<argument types as written>)"
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

inline constexpr std::string_view k_routine_note = "routine: ";

// A CREATE OR REPLACE FUNCTION | PROCEDURE of a routine the migrations made before this one gives
// it every option the new definition spells and the default of every other (PostgreSQL's
// ProcedureCreate replaces the pg_proc row: checked on PostgreSQL 15, prosecdef, proconfig,
// proisstrict and provolatile all reset). One note per option that so changes, as ALTER FUNCTION
// would spell the change ("SECURITY INVOKER", "RESET search_path", "SET search_path", "STRICT",
// "VOLATILE"), for function-options-changed; a returned trigger function is said so:
//   "replaced routine option: <trigger|callable> <change>"
inline constexpr std::string_view k_replaced_option_note = "replaced routine option: ";

// A CREATE [OR REPLACE] FUNCTION | PROCEDURE of a routine that a DROP earlier in the analysed
// migrations removed (the same name, schema and argument types; Catalog::dropped_function), made
// before this migration: a new routine, with the options it spells (the notes above, against the
// dropped one) and only the default privileges (EXECUTE to PUBLIC; no GRANT it had). Whether the
// dropped one was SECURITY DEFINER, whether a REVOKE had taken EXECUTE from PUBLIC, and the roles
// GRANTs gave EXECUTE ("-": none), as the migrations show them, and whether the new routine gives
// PUBLIC EXECUTE (no ALTER DEFAULT PRIVILEGES took it away: Catalog::routines_public_by_default):
//   "recreated routine: <definer|invoker> <public|public-revoked> <role,role|-> <new-public|new-no-public>"
inline constexpr std::string_view k_recreated_routine_note = "recreated routine: ";

// Notes on `facts` for a DropStmt, RenameStmt, AlterObjectSchemaStmt or AlterFunctionStmt of routines, read from the
// catalog before the statement changes it.
void note_routines(const pg::Node* stmt, StatementFacts& facts, const Context& ctx);

// DROP, RENAME TO or SET SCHEMA of routines in the analysed migrations (not the history): each
// as it was, kept for a CREATE of its name in its schema to be compared with (Catalog::
// add_dropped_function; red team R71 F7, R72 F3), before record_function changes the catalog. Its
// schema is the one it was made in, else the one the statement names, else the one its
// unqualified name stands for now (creation_schema: the session's search_path, public by default).
void keep_routines_aside(const pg::Node* stmt, Context& ctx);

// A routine's argument types, canonical ("int4,text"), as the catalog keys its overloads: of a
// CREATE FUNCTION's parameters, or of an ObjectWithArgs's types.
[[nodiscard]] std::string routine_signature(const List* parameters);
[[nodiscard]] std::string routine_signature_of_types(const List* types);

// A routine's SET options (pg_proc.proconfig) after `set` (of CREATE FUNCTION ... SET, or SET |
// RESET as ALTER FUNCTION spells them): "name=value" entries, one per setting, in the order first set.
void apply_routine_setting(std::vector<std::string>& settings, const VariableSetStmt* set);

}  // namespace pgfence::analyze::model
