#pragma once
// What a sign-off is bound to (issue #32): an exemption to the statements it covered when it was
// granted, so that a rewrite of them voids it as a change of the migrations voids an approval.
// Pure: the service reads the uploads and stores the hashes.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/exemption.hpp"

namespace pgfence::serve {

// The SHA-256 of what an exemption of `rule` at `path`[:`line`] covers in an upload's envelope:
//   FILE:LINE  the SQL of the statements whose span holds LINE (with their spans), or the whole
//              file's sha256 when the upload left the SQL out;
//   FILE       the file's sha256 (the report's, of its bytes at the head commit);
//   neither    the upload's content hash (every migration of the pull request);
// and each time the messages of `rule`'s findings there (at LINE, in FILE, in every file): a
// finding made inside a function the statement calls names the body's statement, so rewriting a
// called body elsewhere voids the exemption, while a change that leaves them alone does not.
// A file the report does not have hashes as absent, so an exemption granted before the file
// existed is voided when it appears.
[[nodiscard]] std::string exemption_scope(const nlohmann::json& envelope, const std::string& rule,
                                          const std::optional<std::string>& path, std::optional<int> line);

// What an approval covers of an item needing sign-off (issue #53): the item as the decision
// says it (kind, file, line, rule, message) and what it was found on in `envelope`, the upload
// whose decision it is: the context_sha256 of the statements whose span holds its line (the file
// before them, their transaction, the files the migration was read with), or the file's sha256
// when no statement holds it, and the subject_sha256 of its findings there (the whole called
// statement a finding at a call is about, which its message cuts short). The same finding reported by another job, or by a later upload whose
// migration is unchanged up to it, has the same identity; a rewrite of what it depends on does not.
[[nodiscard]] std::string signoff_item_identity(const nlohmann::json& item, const nlohmann::json& envelope);

// What an item pgfence could not see (unknown-statement, unparsable-statement) is bound to, besides
// its place: the head's tree (its commit when the upload has no tree) and the base commit the
// upload was judged against, for approvals and exemptions of it alike.
[[nodiscard]] std::string unseen_binding(const nlohmann::json& envelope);

// An exemption as stored: its id, the scope hash recorded when granted, and whether it was
// voided. One granted before the upload of the head it was granted on arrived has no scope yet
// but that head (pending_head): it applies to nothing until that upload binds it (to the upload
// of that head it applies, being bound now). Migration 007 made those stored with neither pending
// on no commit; one with neither (not stored by the service) applies unbound.
struct StoredExemption {
    std::string id;
    governance::Exemption exemption;
    std::optional<std::string> scope;
    bool voided = false;
    std::optional<std::string> pending_head;
};

// The exemptions that apply to `envelope` (not voided before, scope unchanged), and the ids of
// those whose scope changed (to be voided and audited by the caller).
struct ExemptionSplit {
    std::vector<governance::Exemption> applying;
    std::vector<governance::Exemption> voided;  // voided before or now: listed in the check, never applied
    std::vector<std::string> newly_voided;       // ids
    std::vector<governance::Exemption> pending;  // waiting for the upload of the head they were granted on
};
[[nodiscard]] ExemptionSplit split_exemptions(const std::vector<StoredExemption>& stored, const nlohmann::json& envelope);

}  // namespace pgfence::serve
