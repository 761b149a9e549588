#pragma once
// What the pull-request comment remembers between pushes, so that the next comment can say
// what changed: the commit it analysed and its new findings, each under a key that survives
// lines moving. It travels inside the comment as a hidden, versioned HTML comment; nothing
// else is stored. The comment can be edited by people with write access, so reading it back
// trusts nothing: every field is checked, anything malformed reads as "no earlier state".
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

struct TrackedFinding {
    std::string key;       // stable across pushes: see finding_key
    std::string path;      // repository path
    int line = 0;
    std::string rule;
    analyze::Risk risk = analyze::Risk::Low;
    std::string relation;  // what it is about, "" when none
};

struct ReviewState {
    std::string sha;                       // the commit analysed
    std::vector<TrackedFinding> findings;  // new findings, highest risk first
    std::size_t total = 0;                 // new findings in all (read back: more than the list when it was cut)
    [[nodiscard]] bool complete() const { return total == findings.size(); }
    // What the comment said had changed, so that a run again on the same commit says it again.
    std::string since;                      // the commit compared with; "" when none
    std::vector<TrackedFinding> resolved;   // the first k_state_max_resolved of them
    std::size_t resolved_total = 0;
    std::set<std::string> added;            // keys of findings new since then
    bool since_complete = true;             // the comparison saw the whole earlier list
};

// encode_state keeps the first (highest-risk) ones: the hidden block stays a few kB.
inline constexpr std::size_t k_state_max_findings = 200;
inline constexpr std::size_t k_state_max_resolved = 25;

// A finding's key: its file, rule and message with numbers left out (line numbers and sizes
// move; names do not), and which of the same it is. Two identical findings in one file are
// told apart by their order.
[[nodiscard]] std::string finding_key(std::string_view path, std::string_view rule, std::string_view message, int occurrence);

// The state of `report` (its findings that are not pre-existing) at commit `sha`; `keys` are
// finding_keys of each of its files; paths made relative to `root` as GitHub names them.
[[nodiscard]] ReviewState state_of(const analyze::Report& report, const std::vector<std::vector<std::string>>& keys,
                                   std::string_view sha, std::string_view root = {});

// The keys of `file`'s findings, in its findings' order ("" for pre-existing ones).
[[nodiscard]] std::vector<std::string> finding_keys(const analyze::FileReport& file, std::string_view root = {});

// The hidden block (an HTML comment on its own lines); and reading it back from a whole comment.
[[nodiscard]] std::string encode_state(const ReviewState& state);
[[nodiscard]] std::optional<ReviewState> decode_state(std::string_view comment);

// What changed from the previous comment's state to this one (`now` whole, as state_of gives it).
struct ReviewChanges {
    std::string previous_sha;
    std::vector<TrackedFinding> resolved;  // in the previous state, not now (at most k_state_max_resolved)
    std::size_t resolved_total = 0;
    std::set<std::string> added;           // keys now that the previous state did not have
    std::size_t still_open = 0;
    bool complete = true;  // false: the previous list was partial, so "resolved" may miss some
};
// Against the previous comment's state; on the same commit again (a re-run), what that
// comment said, so the comment does not change. Nothing when there is nothing to compare with.
[[nodiscard]] std::optional<ReviewChanges> changes_since(const ReviewState& previous, const ReviewState& now);
// `state` carrying `changes`, for the next comment.
void remember_changes(ReviewState& state, const ReviewChanges& changes);

}  // namespace pgfence::annotate
