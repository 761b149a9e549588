#include "analyze/rules/suppression_aliases.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace pgfence::analyze::rules {
namespace {

struct Alias {
    std::string_view old_id;
    std::array<std::string_view, 2> today;  // one or two of today's ids; an empty second
};

// The original's rule ids (its src/rules/*.ts ruleId values) that today's rules renamed, ordered
// by the old id. An id both share (drop-table, rename-column, ...) is not listed.
constexpr Alias k_aliases[] = {
    {"add-column-default-pre-pg11", {"alter-table-rewrite", ""}},
    {"add-column-json", {"prefer-jsonb", ""}},
    {"add-column-non-constant-default", {"add-column-volatile-default", ""}},
    {"add-column-not-null-no-default", {"add-column-not-null-without-default", ""}},
    {"add-constraint-check-no-not-valid", {"add-check-without-not-valid", ""}},
    {"add-constraint-exclude", {"add-exclusion-constraint", ""}},
    {"add-constraint-fk-no-not-valid", {"add-foreign-key-without-not-valid", ""}},
    {"add-constraint-unique", {"add-unique-without-index", ""}},
    {"add-pk-without-using-index", {"add-primary-key-without-index", ""}},
    {"alter-column-set-not-null", {"set-not-null-scan", ""}},
    {"alter-column-type", {"alter-column-type-rewrite", ""}},
    {"alter-enum-add-value", {"enum-add-value-in-transaction", ""}},
    {"attach-partition", {"attach-partition-scan", ""}},
    {"ban-alter-domain-add-constraint", {"add-domain-constraint", ""}},
    {"ban-char-field", {"prefer-text-over-char", ""}},
    {"concurrent-in-transaction", {"concurrently-in-transaction", ""}},
    {"create-index-not-concurrent", {"create-index-without-concurrently", ""}},
    {"create-table-exclude-constraint", {"add-exclusion-constraint", ""}},
    {"detach-partition", {"detach-partition-without-concurrently", ""}},
    {"drop-index-not-concurrent", {"drop-index-without-concurrently", ""}},
    {"fk-missing-index", {"foreign-key-without-index", ""}},
    {"lock-timeout-after-dangerous-statement", {"lock-timeout-missing", ""}},
    {"missing-application-name", {"application-name-missing", ""}},
    {"missing-idle-timeout", {"idle-in-transaction-timeout-missing", ""}},
    {"missing-lock-timeout", {"lock-timeout-missing", ""}},
    {"missing-statement-timeout", {"statement-timeout-missing", ""}},
    {"not-valid-validate-same-tx", {"not-valid-validate-same-transaction", ""}},
    {"prefer-bigint-over-int", {"prefer-bigint", ""}},
    {"prefer-robust-create-index", {"missing-if-not-exists", ""}},
    {"prefer-robust-create-table", {"missing-if-not-exists", ""}},
    {"prefer-robust-drop-index", {"missing-if-not-exists", ""}},
    {"prefer-robust-drop-table", {"missing-if-not-exists", ""}},
    {"prefer-text-field", {"prefer-text-over-varchar", ""}},
    {"refresh-matview-blocking", {"refresh-matview-without-concurrently", ""}},
    {"reindex-non-concurrent", {"reindex-without-concurrently", ""}},
    {"unclosed-transaction", {"transaction-left-open", ""}},
    {"update-in-migration", {"backfill-in-migration", "update-without-where"}},
    {"wide-lock-window", {"multiple-access-exclusive-in-transaction", ""}},
};

static_assert(std::is_sorted(std::begin(k_aliases), std::end(k_aliases),
                             [](const Alias& a, const Alias& b) { return a.old_id < b.old_id; }),
              "k_aliases is searched by old id");

// The original's information lines (LOW notes of a safe form, trace-only output): pgfence
// reports no finding for them, so a suppression of one has nothing to hide.
constexpr std::string_view k_retired[] = {
    "add-column-constant-default", "add-constraint-unique-using-index", "add-constraint-unknown-type",
    "add-pk-using-index", "alter-enum-no-ordering", "ban-create-domain-with-constraint",
    "detach-partition-concurrent", "enable-disable-trigger", "refresh-matview-concurrent",
    "trace-error", "trace-only", "validate-constraint",
};

}  // namespace

OldRuleId old_rule_id(std::string_view id) {
    auto alias = std::lower_bound(std::begin(k_aliases), std::end(k_aliases), id,
                                  [](const Alias& a, std::string_view v) { return a.old_id < v; });
    if (alias != std::end(k_aliases) && alias->old_id == id) {
        std::size_t n = alias->today[1].empty() ? 1 : 2;
        return OldRuleId{std::span<const std::string_view>(alias->today.data(), n), false};
    }
    if (std::find(std::begin(k_retired), std::end(k_retired), id) != std::end(k_retired)) return OldRuleId{{}, true};
    return {};
}

}  // namespace pgfence::analyze::rules
