#include "governance/render.hpp"

#include <ctime>

#include "annotate/escape.hpp"
#include "annotate/printable.hpp"

namespace pgfence::governance {
namespace {

using nlohmann::json;

// As the policy file spells it: "high", "never".
std::string threshold_name(const std::optional<analyze::Risk>& risk) {
    if (!risk) return "never";
    std::string name(analyze::risk_name(*risk));
    for (auto& c : name) c = static_cast<char>(c - 'A' + 'a');
    return name;
}

json policy_json(const PolicySettings& p) {
    return {
        {"signoff_at", threshold_name(p.signoff_at)},
        {"unknown_needs_signoff", p.unknown_needs_signoff},
        {"require_lock_timeout", p.require_lock_timeout},
        {"critical_needs_exemption", p.critical_needs_exemption},
        {"concurrently_above_bytes", p.concurrently_above_bytes},
        {"exemptable", p.exemptable ? json(*p.exemptable) : json(nullptr)},
        {"approvers", p.approvers},
        {"min_approvals", p.min_approvals},
        {"author_may_approve", p.author_may_approve},
        {"exemption_granters", p.granters()},
        {"max_exemption_days", p.max_exemption_days},
    };
}

json exemption_json(const Exemption& e) {
    return {{"rule", e.rule},
            {"path", e.path ? json(*e.path) : json(nullptr)},
            {"line", e.line ? json(*e.line) : json(nullptr)},
            {"reason", e.reason},
            {"owner", e.owner},
            {"expires_at", utc_text(e.expires_at)}};
}

std::string item_label(const Item& item) {
    return item.kind == ItemKind::Signoff ? "sign-off" : "guardrail " + std::string(guardrail_name(*item.guardrail));
}

}  // namespace

std::string utc_text(std::chrono::system_clock::time_point at) {
    std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

json to_json(const Decision& d) {
    json items = json::array();
    for (const auto& item : d.items) {
        json j = {{"kind", item.kind == ItemKind::Guardrail ? "guardrail" : "signoff"},
                  {"path", item.path},
                  {"line", item.line},
                  {"rule", item.rule},
                  {"risk", std::string(analyze::risk_name(item.risk))},
                  {"message", item.message}};
        if (item.guardrail) j["guardrail"] = std::string(guardrail_name(*item.guardrail));
        items.push_back(std::move(j));
    }
    json exempted = json::array();
    for (const auto& x : d.exempted) {
        exempted.push_back({{"path", x.path}, {"line", x.line}, {"rule", x.rule},
                            {"risk", std::string(analyze::risk_name(x.risk))}, {"reason", x.reason}, {"owner", x.owner}});
    }
    json ignored = json::array();
    for (const auto& i : d.ignored_exemptions) ignored.push_back({{"exemption", exemption_json(i.exemption)}, {"why", i.why}});
    json suppressions = json::array();
    for (const auto& i : d.ignored_suppressions) {
        suppressions.push_back({{"path", i.path}, {"line", i.line}, {"rule", i.rule},
                                {"risk", std::string(analyze::risk_name(i.risk))}, {"why", i.why}});
    }
    return {{"conclusion", std::string(conclusion_name(d.conclusion))},
            {"summary", d.summary},
            {"items", std::move(items)},
            {"policy", policy_json(d.policy)},
            {"exempted", std::move(exempted)},
            {"ignored_exemptions", std::move(ignored)},
            {"ignored_suppressions", std::move(suppressions)}};
}

std::string to_text(const Decision& d) {
    using annotate::printable;
    std::string out;
    for (const auto& item : d.items) {
        out += printable(item.path) + ":" + std::to_string(item.line) + " " + printable(item.rule) + " " +
               std::string(analyze::risk_name(item.risk)) + " \xE2\x80\x94 " + printable(item.message) + "\n";
    }
    for (const auto& x : d.exempted) {
        out += "exempted: " + printable(x.path) + ":" + std::to_string(x.line) + " " + printable(x.rule) + " (" +
               printable(x.owner) + ": " + printable(x.reason) + ")\n";
    }
    for (const auto& i : d.ignored_exemptions) {
        out += "ignored exemption: " + printable(i.exemption.rule) + " (" + printable(i.exemption.owner) + "): " +
               printable(i.why) + "\n";
    }
    for (const auto& i : d.ignored_suppressions) {
        out += "ignored suppression: " + printable(i.path) + ":" + std::to_string(i.line) + " " + printable(i.rule) + " " +
               std::string(analyze::risk_name(i.risk)) + ": " + printable(i.why) + "\n";
    }
    out += std::string(conclusion_name(d.conclusion)) + ": " + printable(d.summary) + "\n";
    return out;
}

std::string to_markdown(const Decision& d, std::string_view owner, std::string_view repo, std::string_view head_sha,
                        std::string_view web_url) {
    using annotate::md_code_span;
    using annotate::md_text;
    while (!web_url.empty() && web_url.back() == '/') web_url.remove_suffix(1);
    const std::string blob = std::string(web_url) + "/" + annotate::percent_encode(owner, "-._~") + "/" +
                             annotate::percent_encode(repo, "-._~") + "/blob/" + annotate::percent_encode(head_sha, "") + "/";
    auto link = [&](const std::string& path, int line) {
        // Report paths are relative to the checkout; a leading "./" or "/" would double the slash.
        std::string_view relative = path;
        while (relative.rfind("./", 0) == 0 || relative.rfind('/', 0) == 0) relative.remove_prefix(relative[0] == '/' ? 1 : 2);
        std::string url = blob + annotate::percent_encode(relative, "-._~/") + (line > 0 ? "#L" + std::to_string(line) : "");
        return "[" + md_text(path + ":" + std::to_string(line)) + "](" + url + ")";
    };
    std::string out = md_text(d.summary) + "\n";
    if (!d.items.empty()) out += "\n";
    for (const auto& item : d.items) {
        out += "- **" + item_label(item) + "** " + link(item.path, item.line) + " " + md_code_span(item.rule) + " " +
               std::string(analyze::risk_name(item.risk)) + " \xE2\x80\x94 " + md_text(item.message) + "\n";
    }
    if (!d.exempted.empty()) {
        out += "\nExempted:\n\n";
        for (const auto& x : d.exempted) {
            out += "- " + link(x.path, x.line) + " " + md_code_span(x.rule) + " " + std::string(analyze::risk_name(x.risk)) +
                   " \xE2\x80\x94 " + md_text(x.owner) + ": " + md_text(x.reason) + "\n";
        }
    }
    if (!d.ignored_exemptions.empty()) {
        out += "\nIgnored exemptions:\n\n";
        for (const auto& i : d.ignored_exemptions) {
            out += "- " + md_code_span(i.exemption.rule) + " (" + md_text(i.exemption.owner) + "): " + md_text(i.why) + "\n";
        }
    }
    if (!d.ignored_suppressions.empty()) {
        out += "\nIgnored suppressions (the findings they hide count):\n\n";
        for (const auto& i : d.ignored_suppressions) {
            out += "- " + link(i.path, i.line) + " " + md_code_span(i.rule) + " " + std::string(analyze::risk_name(i.risk)) +
                   " \xE2\x80\x94 " + md_text(i.why) + "\n";
        }
    }
    return out;
}

}  // namespace pgfence::governance
