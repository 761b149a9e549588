#include "serve/signoff.hpp"

#include <algorithm>
#include <ctime>

#include "annotate/escape.hpp"

namespace pgfence::serve {
namespace {

using annotate::md_code_span;
using annotate::md_text;

std::string why_not(ApprovalStatus status) {
    switch (status) {
        case ApprovalStatus::Voided: return "voided: the migrations changed after it was given";
        case ApprovalStatus::OtherContent: return "given on other migrations than this upload's";
        case ApprovalStatus::NotApprover: return "does not count: not an approver under the policy (checked with GitHub)";
        case ApprovalStatus::Author: return "does not count: the pull request's author may not approve their own migration";
        case ApprovalStatus::Committer:
            return "does not count: authored, committed or pushed commits of this pull request, so counts as its author";
        case ApprovalStatus::Pending:
            return "pending: given on a commit whose upload has not arrived (it counts only for that commit's migrations)";
        case ApprovalStatus::AuthorsUnknown:
            return "does not count: the pull request has more commits than GitHub lists (250), so its authors are not all known";
        case ApprovalStatus::NewItems:
            return "does not count: an item below needs sign-off that was not there when it was given (a commit pushed after the one it "
                   "approved, another pgfence job's upload that arrived after it, the same files whose base changed what they do: a rebase, or a "
                   "statement pgfence could not see on a repository changed since: any push)";
        case ApprovalStatus::Counted: break;
    }
    return "";
}

std::string where_of(const governance::Exemption& e) {
    if (!e.path) return "every file";
    return md_code_span(*e.path + (e.line ? ":" + std::to_string(*e.line) : ""));
}

}  // namespace

std::string people_markdown(const std::vector<std::string>& people) {
    std::string out;
    for (const auto& p : people) out += (out.empty() ? "" : ", ") + md_text(p);
    return out;
}

std::vector<std::string> apply_signoff(Decided& decided, const governance::PolicySettings& settings, const SignoffFacts& facts,
                                       std::chrono::system_clock::time_point now) {
    std::vector<std::string> counted;
    for (const auto& a : facts.approvals) {
        if (a.status == ApprovalStatus::Counted && std::find(counted.begin(), counted.end(), a.login) == counted.end()) {
            counted.push_back(a.login);
        }
    }
    auto& decision = decided.decision;
    const std::string conclusion = decision.value("conclusion", "failure");
    const int needed = settings.min_approvals;
    const bool enough = !settings.approvers.empty() && static_cast<int>(counted.size()) >= needed;

    std::string text = "\n### Sign-off\n\n";
    if (settings.approvers.empty()) {
        text += "No approvers are configured for this repository (the policy's `approvers`): nobody can sign off through "
                "pgfence, only a change of the migrations or the policy settles a finding that needs sign-off.\n";
    } else {
        text += "Approvers: " + people_markdown(settings.approvers) + "; " + std::to_string(needed) +
                (needed == 1 ? " approval" : " approvals") + " needed" +
                (settings.author_may_approve ? "" : ", not the pull request's author's") +
                ". An approving review or a comment `/pgfence approve [reason]` signs off; `/pgfence revoke` withdraws it.\n";
    }
    if (!counted.empty()) text += "\nSigned off by " + people_markdown(counted) + ".\n";
    if (!facts.approvals.empty()) text += "\n";
    for (const auto& a : facts.approvals) {
        const std::string reason = a.reason.empty() ? "" : ": " + md_text(a.reason, 500);
        if (a.status == ApprovalStatus::Counted) {
            text += "- approved by " + md_text(a.login) + " (" + md_text(a.source) + ")" + reason + "\n";
        } else {
            text += "- approval by " + md_text(a.login) + " (" + md_text(a.source) + ") " + why_not(a.status) + reason + "\n";
        }
    }
    if (facts.review_request) text += "\n" + *facts.review_request + "\n";

    if (!facts.exemptions.empty() || !facts.voided_exemptions.empty() || !facts.pending_exemptions.empty()) {
        text += "\n### Exemptions granted on this pull request\n\n";
        for (const auto& e : facts.pending_exemptions) {
            text += "- " + md_code_span(e.rule) + " at " + where_of(e) + " by " + md_text(e.owner) +
                    " \xE2\x80\x94 **pending: granted on another commit, whose upload has not arrived; does not count**: " +
                    md_text(e.reason) + "\n";
        }
        for (const auto& e : facts.voided_exemptions) {
            text += "- " + md_code_span(e.rule) + " at " + where_of(e) + " by " + md_text(e.owner) +
                    " \xE2\x80\x94 **voided: what it covers changed after it was granted, no longer counts**: " +
                    md_text(e.reason) + "\n";
        }
        for (const auto& e : facts.exemptions) {
            const bool expired = e.expires_at <= now;
            text += "- " + md_code_span(e.rule) + " at " + where_of(e) + " by " + md_text(e.owner) + " until " +
                    utc_text(e.expires_at) + (expired ? " \xE2\x80\x94 **expired, no longer counts**" : " \xE2\x80\x94 active") +
                    ": " + md_text(e.reason) + "\n";
        }
    }

    if (conclusion == "action_required" && enough) {
        decision["conclusion"] = "success";
        decision["signed_off_by"] = counted;
        std::string names;
        for (const auto& login : counted) names += (names.empty() ? "" : ", ") + login;
        decided.title = "Signed off by " + names;
        decision["summary"] = "Signed off by " + people_markdown(counted) + ". " + decision.value("summary", "");
    } else if (conclusion == "action_required" && !settings.approvers.empty()) {
        decision["summary"] = decision.value("summary", "") + " " + std::to_string(counted.size()) + " of " +
                              std::to_string(needed) + (needed == 1 ? " approval" : " approvals") + " so far.";
    }
    decided.text += text;
    return counted;
}

}  // namespace pgfence::serve
