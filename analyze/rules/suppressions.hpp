#pragma once
// `-- pgfence-ignore` comments: on the lines just before a statement (all rules, or
// `-- pgfence-ignore: id, id`), or anywhere as `-- pgfence-ignore-file[: id, id]`; after a
// second `--`, a reason and optionally an owner and an expiry (suppression_fields.hpp). The
// original pgfence's `-- pgfence: ignore id, id` and its rule ids work too (suppression_aliases.hpp).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/suppression_fields.hpp"

namespace pgfence::analyze::rules {

// Whether a suppression hides anything, and if not, which rule reports why.
enum class SuppressionState {
    active,
    invalid,        // a malformed field: invalid-suppression
    expired,        // today (UTC) is after `until`: expired-suppression
    missing_owner,  // the suppression_owner policy is on and reason or owner is missing: suppression-missing-owner
};

struct Suppression {
    int statement = -1;         // the statement it applies to; -1 for the whole file
    std::set<std::string> ids;  // empty: every rule
    Position where;             // the comment
    Position where_end;
    SuppressionFields fields;
    SuppressionState state = SuppressionState::active;
    bool used = false;
    // The original pgfence's form (suppression_aliases.hpp): written `-- pgfence: ignore ids`,
    // and the old rule ids it names (`ids` holds today's ids they stand for).
    bool old_syntax = false;
    std::vector<std::string> old_ids;
    bool retired_only = false;  // names only rules pgfence no longer reports: hides nothing
};

[[nodiscard]] std::vector<Suppression> find_suppressions(std::string_view text, const FileReport& report);

// Decides each suppression's state for `today` and the options (the suppression-missing-owner
// rule on is the policy that requires a reason and an owner).
void settle_suppressions(std::vector<Suppression>& suppressions, const CivilDate& today, const Options& options);

// What a finding keeps of the suppression that hid it.
[[nodiscard]] SuppressedBy suppressed_by(const Suppression& s);

// "pgfence-ignore-file" for a file-wide suppression, else "pgfence-ignore".
[[nodiscard]] std::string_view marker(const Suppression& s);

// How the comment is written today: "-- pgfence-ignore: create-index-without-concurrently".
[[nodiscard]] std::string todays_form(const Suppression& s);

// "create-index-without-concurrently, drop-table" or "every rule".
[[nodiscard]] std::string rule_list(const Suppression& s);

// The findings about suppressions that hide nothing, each defined beside its rule
// (invalid-suppression.cpp, expired-suppression.cpp, suppression-missing-owner.cpp).
void report_invalid_suppression(const Suppression& s, Sink& sink);
void report_expired_suppression(const Suppression& s, Sink& sink);
void report_suppression_missing_owner(const Suppression& s, Sink& sink);
void report_old_suppression_syntax(const Suppression& s, Sink& sink);

}  // namespace pgfence::analyze::rules
