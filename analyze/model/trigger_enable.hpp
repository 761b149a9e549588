#pragma once
// ALTER TABLE ... ENABLE TRIGGER name | ALL | USER: the disabled triggers it turns back on, as
// notes the create-trigger rule judges as it judges CREATE TRIGGER (trigger_enable.cpp).
#include <string>
#include <string_view>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// Followed by "<function>(): trigger <name> on <table> runs it BEFORE each row of every INSERT" (or
// AFTER, or once per statement): the function's name as the catalog keeps it, unqualified.
inline constexpr std::string_view k_trigger_enabled_note = "re-enables a disabled trigger: ";

// The notes for an ALTER TABLE's ENABLE TRIGGER subcommands, read before the catalog records them;
// an ENABLE of a trigger the catalog does not know makes the statement unknown.
void note_enabled_triggers(const pg::Node* stmt, StatementFacts& facts, const Context& ctx);

// What the catalog knows of trigger function `name` (misc.cpp): trigger_function_note, if anything.
void note_trigger_function_named(const std::string& name, StatementFacts& facts, const Context& ctx);

}  // namespace pgfence::analyze::model
