#pragma once
// lock_timeout, statement_timeout and idle_in_transaction_session_timeout set inside a body
// pgfence follows (a DO block, a called function or procedure) or by a routine's own SET clause.
// PostgreSQL keeps a plain SET or set_config(..., false) run in a body for the rest of the session,
// SET LOCAL (is_local true) to the transaction's end (SET: "the effects will persist until the end
// of the session"), and a routine's SET clause only while the routine runs (CREATE FUNCTION:
// "restored to its prior value when the function exits"). The body's statements are modelled into
// the calling statement's facts, so each change travels to the session state (analyzer_session.cpp)
// as a note of that statement. set_config() kept in a DEFAULT, a CHECK or a view: attached_settings.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

struct BodySetting {
    enum class Scope { Session, Transaction, WhileRuns };
    std::string name;                  // lock_timeout, statement_timeout or idle_in_transaction_session_timeout
    std::optional<std::string> value;  // nullopt with `known`: the default (RESET)
    bool known = true;                 // false: a value pgfence cannot read
    Scope scope = Scope::Session;
    bool maybe = false;                // in a branch, loop or per-row call: it may not run
};

// SET, SET LOCAL, RESET (ALL) and set_config() of a timeout in `stmt`, a statement of a body, in order.
[[nodiscard]] std::vector<BodySetting> body_settings_of(const pg::Node* stmt);
// The timeouts a CREATE FUNCTION | PROCEDURE's SET clauses (and ALTER ... SET clauses added to
// its definition, record_function) give its body while it runs. FROM CURRENT is not known.
[[nodiscard]] std::vector<BodySetting> routine_settings(const CreateFunctionStmt* create);
// The note that carries it: "<what> sets lock_timeout to '0' for the session".
[[nodiscard]] std::string body_setting_note(const BodySetting& setting, const std::string& what);
[[nodiscard]] std::optional<BodySetting> read_body_setting_note(std::string_view note);
// The notes of a body that may not run (a per-row call, a trigger): each becomes a maybe.
void mark_body_settings_maybe(StatementFacts& facts, std::size_t from);
// A routine's SET clause for a setting confines SET LOCAL of it in its body to the routine (CREATE
// FUNCTION: "the effects of a SET LOCAL command executed inside the function for the same variable
// are restricted to the function"): its notes from `from` on hold while it runs.
void confine_to_routine(StatementFacts& facts, std::size_t from, const std::vector<BodySetting>& clauses);
// The weaker of two timeouts: unset or 0 (no limit) over any limit, else the longer; a value
// pgfence cannot read counts as unset.
[[nodiscard]] std::optional<std::string> weaker_timeout(const std::optional<std::string>& a, const std::optional<std::string>& b);

}  // namespace pgfence::analyze
