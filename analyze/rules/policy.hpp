#pragma once
// Session-setting policies (lock_timeout, statement_timeout, ...): a setting must be in
// force before the statements it protects.
#include <optional>
#include <string>
#include <string_view>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

struct SettingPolicy {
    std::optional<std::string> Settings::*field;
    std::string_view name;       // "lock_timeout"
    std::string_view suggested;  // "'2s'"
    bool (*needs)(const StatementFacts&);  // which statements it protects
    std::string_view why;        // appended to the message
    // Offer the SET line as an edit (Finding::edit) above the statement: for a setting whose
    // suggested value suits every migration (lock_timeout), not one that names the app.
    bool offer_edit = false;
};

// A finding at the first protected statement without the setting in force, and again at
// the next one after the setting was lost (RESET, end of a SET LOCAL's transaction).
void require_setting(const FileContext& ctx, Sink& sink, const SettingPolicy& policy);

// A statement that rewrites or reads a whole table while it holds a lock that blocks traffic:
// what statement_timeout bounds.
[[nodiscard]] bool slow_under_lock(const StatementFacts& statement);

// A duration in milliseconds as a person writes it: "10min", "30s", "1500ms", "2h".
[[nodiscard]] std::string duration_text(long ms);

// The SET line to add before `statement`.
[[nodiscard]] std::string set_line(const StatementFacts& statement, std::string_view name, std::string_view value);

}  // namespace pgfence::analyze::rules
