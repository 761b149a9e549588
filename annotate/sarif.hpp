#pragma once
// `--format sarif`: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif).
// One reportingDescriptor per rule with its docs page as help; one result per finding, located
// at the statement, with a fingerprint that survives lines shifting above it; suppressed
// findings are results with an inSource suppression (the comment's reason, owner, expiry).
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

struct SarifOptions {
    std::string root;                      // paths are made relative to it (empty: the current directory)
    std::string uri_base_id = "%SRCROOT%";  // artifactLocation.uriBaseId of relative paths; empty: none
    std::string root_uri;                  // absolute URI of that base (originalUriBaseIds); empty: left out
    std::string automation_id = "pgfence/";  // runAutomationDetails.id: code scanning's category
    std::string information_uri;  // the tool's home page; empty: left out
    std::string docs_base_uri;  // e.g. https://github.com/o/r/blob/main/docs/rules/ ; empty: no helpUri
    bool all_rules = false;     // describe every rule, not only those with a result
};

// 32 lower-case hex digits of a 128-bit hash of `text` that stays the same across platforms and
// releases (std::hash does not): fingerprints and the pull-request suggestions' keys.
[[nodiscard]] std::string stable_hash(std::string_view text);

// "pgfence/v1" fingerprint: rule, repository path, the statement's text with whitespace
// collapsed, and which occurrence of that (rule, text) pair in the file this is. No line
// numbers, so inserting lines above the statement keeps it.
[[nodiscard]] std::string sarif_fingerprint(std::string_view rule, std::string_view path, std::string_view sql,
                                            int occurrence);

// The "pgfence/v1" fingerprint of each of `file`'s findings, in order (`path` as reported):
// SARIF, GitLab Code Quality and reviewdog name a finding the same way.
[[nodiscard]] std::vector<std::string> finding_fingerprints(const analyze::FileReport& file, std::string_view path);
// The same for another list of the file's findings (its suppressed ones), counted on its own.
[[nodiscard]] std::vector<std::string> finding_fingerprints(const analyze::FileReport& file,
                                                            const std::vector<analyze::Finding>& findings, std::string_view path);

// "create-index-without-concurrently" -> "CreateIndexWithoutConcurrently"
[[nodiscard]] std::string rule_name(std::string_view id);

[[nodiscard]] nlohmann::json report_to_sarif(const analyze::Report& report, const SarifOptions& options = {});
void render_sarif(const analyze::Report& report, std::ostream& out, const SarifOptions& options = {});

}  // namespace pgfence::annotate
