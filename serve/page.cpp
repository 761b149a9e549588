#include "serve/page.hpp"

#include <algorithm>
#include <cstdio>

#include "annotate/escape.hpp"
#include "annotate/printable.hpp"

namespace pgfence::serve {
namespace {

constexpr std::string_view k_style = R"(
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; }
header a { color: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
section.repository { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px 16px; margin: 16px 0; }
h2 { font-size: 18px; margin: 8px 0; }
h3 { font-size: 15px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-top: 1px solid #d8dee4; vertical-align: top; }
th { font-weight: 600; }
.ok { color: #1a7f37; } .bad { color: #cf222e; } .wait { color: #9a6700; }
.none { color: #57606a; font-style: italic; }
dl.figures { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; }
dl.figures dt { font-weight: 600; }
code { font-size: 13px; }
)";

std::string escaped(std::string_view text) { return html_escape(text); }

// A link into GitHub; `path` is built from checked repository names and numbers, and escaped too.
std::string link(const Dashboard& d, const std::string& path, std::string_view label) {
    return "<a href=\"" + escaped(d.github_url + path) + "\">" + escaped(label) + "</a>";
}

std::string pull_link(const Dashboard& d, const std::string& repository, std::int64_t number) {
    return link(d, "/" + repository + "/pull/" + std::to_string(number), "#" + std::to_string(number));
}

// "2026-11-23T12:20:36Z" as <time datetime="...">2026-11-23 12:20 UTC</time>; other text as it is.
std::string when(const std::string& rfc3339) {
    if (rfc3339.size() != 20 || rfc3339[10] != 'T' || rfc3339[19] != 'Z') return escaped(rfc3339);
    return "<time datetime=\"" + escaped(rfc3339) + "\">" + escaped(rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5)) +
           " UTC</time>";
}

std::string short_sha(const std::string& sha) { return sha.substr(0, std::min<std::size_t>(sha.size(), 7)); }

std::string conclusion_cell(const std::string& conclusion) {
    const char* cls = conclusion == "success" ? "ok" : conclusion == "failure" ? "bad" : "wait";
    std::string label = conclusion == "action_required" ? "sign-off needed" : conclusion;
    return "<td class=\"" + std::string(cls) + "\">" + escaped(label) + "</td>";
}

std::string duration(double seconds) {
    char buffer[64];
    if (seconds < 60) std::snprintf(buffer, sizeof buffer, "%.0f s", seconds);
    else if (seconds < 3600) std::snprintf(buffer, sizeof buffer, "%.0f min", seconds / 60);
    else if (seconds < 172800) std::snprintf(buffer, sizeof buffer, "%.1f h", seconds / 3600);
    else std::snprintf(buffer, sizeof buffer, "%.1f days", seconds / 86400);
    return buffer;
}

void pending_table(std::string& out, const Dashboard& d, const std::string& repository, const RepositoryView& view) {
    out += "<h3>Waiting for sign-off</h3>\n";
    if (view.pending.empty()) {
        out += "<p class=\"none\">Nothing waits for sign-off.</p>\n";
        return;
    }
    out += "<table class=\"pending\"><tr><th>Pull request</th><th>What</th><th>Since</th><th>Who can sign off</th></tr>\n";
    for (const auto& p : view.pending) {
        out += "<tr><td>" + pull_link(d, repository, p.pull_request) + " at " +
               link(d, "/" + repository + "/commit/" + p.head_sha, short_sha(p.head_sha)) + "</td><td>";
        for (std::size_t i = 0; i < p.what.size(); ++i) out += (i ? "<br>" : "") + escaped(p.what[i]);
        out += "</td><td>" + when(p.since) + "</td><td>";
        if (p.approvers.empty()) out += "<span class=\"none\">nobody: the policy names no approvers</span>";
        for (std::size_t i = 0; i < p.approvers.size(); ++i) {
            const std::string& who = p.approvers[i];
            out += i ? ", " : "";
            // "@org/team" links to the team, a login to the user.
            if (who.size() > 1 && who[0] == '@' && who.find('/') != std::string::npos) {
                const auto slash = who.find('/');
                out += link(d, "/orgs/" + who.substr(1, slash - 1) + "/teams/" + who.substr(slash + 1), who);
            } else {
                out += link(d, "/" + who, who);
            }
        }
        out += "</td></tr>\n";
    }
    out += "</table>\n";
}

void decisions_table(std::string& out, const Dashboard& d, const std::string& repository, const RepositoryView& view) {
    out += "<h3>Recent decisions</h3>\n";
    if (view.decisions.empty()) {
        out += "<p class=\"none\">No decision yet.</p>\n";
        return;
    }
    out += "<table class=\"decisions\"><tr><th>Pull request</th><th>Commit</th><th>Conclusion</th><th>When</th></tr>\n";
    for (const auto& r : view.decisions) {
        out += "<tr><td>" + pull_link(d, repository, r.pull_request) + "</td><td>" +
               link(d, "/" + repository + "/commit/" + r.head_sha + "/checks", short_sha(r.head_sha)) + "</td>" +
               conclusion_cell(r.conclusion) + "<td>" + when(r.at) + "</td></tr>\n";
    }
    out += "</table>\n";
}

void expiring_table(std::string& out, const Dashboard& d, const std::string& repository, const RepositoryView& view) {
    out += "<h3>Exemptions expiring in the next 14 days</h3>\n";
    if (view.expiring.empty()) {
        out += "<p class=\"none\">None.</p>\n";
        return;
    }
    out += "<table class=\"expiring\"><tr><th>Rule</th><th>Where</th><th>Pull request</th><th>Owner</th><th>Reason</th>"
           "<th>Expires</th></tr>\n";
    for (const auto& x : view.expiring) {
        out += "<tr><td><code>" + escaped(x.rule) + "</code></td><td>" + (x.where.empty() ? "every file" : escaped(x.where)) +
               "</td><td>" + pull_link(d, repository, x.pull_request) + "</td><td>" + escaped(x.owner) + "</td><td>" +
               escaped(x.reason) + "</td><td>" + when(x.expires_at) + "</td></tr>\n";
    }
    out += "</table>\n";
}

void chain_line(std::string& out, const RepositoryView& view) {
    out += "<p class=\"chain\">Audit chain: ";
    if (view.chain.problem) {
        out += "<strong class=\"bad\">does not verify</strong>: " + escaped(*view.chain.problem);
    } else {
        out += "<span class=\"ok\">verified</span>, " + std::to_string(view.chain.events) +
               (view.chain.events == 1 ? " event" : " events");
    }
    out += "</p>\n";
}

void figures(std::string& out, const WeeklyFigures& w) {
    out += "<section class=\"week\"><h2>The last seven days</h2>\n<dl class=\"figures\">\n";
    out += "<dt>Migrations reviewed</dt><dd id=\"migrations-reviewed\">" + std::to_string(w.migrations_reviewed) + "</dd>\n";
    out += "<dt>Median time to sign-off</dt><dd id=\"median-signoff\">" +
           (w.median_signoff_seconds ? duration(*w.median_signoff_seconds) + " (" + std::to_string(w.signoffs) +
                                         (w.signoffs == 1 ? " sign-off)" : " sign-offs)")
                                     : std::string("no sign-off")) +
           "</dd>\n";
    out += "<dt>Exemptions granted</dt><dd id=\"exemptions-granted\">" + std::to_string(w.exemptions_granted) + "</dd>\n";
    out += "<dt>Exemptions expired</dt><dd id=\"exemptions-expired\">" + std::to_string(w.exemptions_expired) + "</dd>\n";
    out += "<dt>Checks failed, by rule</dt><dd id=\"failed-by-rule\">";
    if (w.failed_by_rule.empty()) out += "none";
    bool first = true;
    for (const auto& [rule, n] : w.failed_by_rule) {
        out += (first ? "" : ", ") + std::string("<code>") + escaped(rule) + "</code> " + std::to_string(n);
        first = false;
    }
    out += "</dd>\n</dl></section>\n";
}

std::string document(std::string_view title, const std::string& header, const std::string& body) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>" + escaped(title) + "</title><style>";
    out += k_style;
    out += "</style></head>\n<body>\n<header>" + header + "</header>\n<main>\n" + body + "</main>\n</body></html>\n";
    return out;
}

}  // namespace

std::string html_escape(std::string_view text) { return annotate::html_text(annotate::printable(text, true)); }

std::string render_page(const Dashboard& d) {
    std::string header = "<span><strong>pgfence governance</strong> &middot; " + escaped(d.organization) +
                         "</span><span>Signed in as " + escaped(d.viewer) +
                         " &middot; <form method=\"post\" action=\"" + escaped(d.base_path + "/logout") + "\" style=\"display:inline\">"
                         "<button type=\"submit\">Sign out</button></form></span>";
    std::string body;
    figures(body, d.week);
    if (d.repositories.empty()) body += "<p class=\"none\">No repository has sent anything yet.</p>\n";
    for (const auto& [repository, view] : d.repositories) {
        body += "<section class=\"repository\" data-repository=\"" + escaped(repository) + "\">\n<h2>" +
                link(d, "/" + repository, repository) + "</h2>\n";
        chain_line(body, view);
        pending_table(body, d, repository, view);
        decisions_table(body, d, repository, view);
        expiring_table(body, d, repository, view);
        body += "</section>\n";
    }
    body += "<p class=\"none\">Generated " + when(d.generated_at) + ".</p>\n";
    return document("pgfence governance: " + d.organization, header, body);
}

std::string render_message(std::string_view title, std::string_view message) {
    return document(title, "<strong>pgfence governance</strong>", "<h2>" + escaped(title) + "</h2>\n<p>" + escaped(message) + "</p>\n");
}

}  // namespace pgfence::serve
