#include "annotate/markdown.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <numeric>
#include <sstream>
#include <utility>
#include <vector>

#include "analyze/rules/one_cause.hpp"
#include "annotate/escape.hpp"
#include "annotate/exemptions.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/review_detail.hpp"

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;
using review::Links;

constexpr std::size_t k_digest_max_lines = 25;
constexpr std::string_view k_unknown_rule = "unknown-statement";  // HIGH/CRITICAL lines; the rest are counted
constexpr std::size_t k_resolved_max = 25;

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string short_sha(std::string_view sha) { return std::string(sha.substr(0, 7)); }

std::string commit_ref(const Links& links, std::string_view sha) {
    std::string url = links.commit_url(sha);
    std::string text = md_code_span(short_sha(sha));
    return url.empty() ? text : "[" + text + "](" + url + ")";
}

struct Totals {
    std::size_t statements = 0, findings = 0, pre_existing = 0, unreadable = 0;
    std::size_t by_risk[5] = {};
    Risk worst = Risk::None;
};

Totals totals_of(const Report& report) {
    Totals t;
    for (const auto& file : report.files) {
        t.statements += file.statements.size();
        t.unreadable += file.error ? 1 : 0;
        for (const auto& f : file.findings) {
            ++t.findings;
            if (f.pre_existing) {
                ++t.pre_existing;
                continue;
            }
            ++t.by_risk[static_cast<int>(f.risk)];
            t.worst = std::max(t.worst, f.risk);
        }
    }
    return t;
}

// The digest's one line for a file's transaction findings (rules::transaction_rule).
constexpr std::string_view k_transaction = " transaction";  // no rule id starts with a space
using analyze::rules::transaction_rule;

// Everything above the details: the verdict, what changed, and what to fix first.
class Digest {
public:
    Digest(const Report& report, const MarkdownOptions& options, const Links& links, const Totals& totals,
           const std::vector<std::vector<std::string>>& keys, const std::optional<ReviewChanges>& changes)
        : m_report(report), m_options(options), m_links(links), m_totals(totals), m_keys(keys), m_changes(changes) {
        std::vector<std::string> paths;
        for (const auto& f : report.files) paths.push_back(repo_path(f.path, links.root()));
        m_short = review::short_paths(paths);
    }

    std::string head() const {
        std::ostringstream out;
        std::size_t blocking = m_totals.by_risk[static_cast<int>(Risk::Critical)] + m_totals.by_risk[static_cast<int>(Risk::High)];
        std::size_t medium = m_totals.by_risk[static_cast<int>(Risk::Medium)];
        std::size_t unseen = 0;
        for (const auto& file : m_report.files) {
            unseen += std::count_if(file.findings.begin(), file.findings.end(),
                                    [](const Finding& f) { return !f.pre_existing && f.rule == k_unknown_rule; });
        }
        out << "## " << m_options.title << ": " << review::risk_badge(m_totals.worst);
        if (blocking > 0) {
            out << " — " << plural(blocking, "finding", "findings") << " to fix before merging";
            if (unseen > 0) out << ", " << plural(unseen, "statement", "statements") << " pgfence could not see";
        } else if (unseen > 0) out << " — " << plural(unseen, "statement", "statements") << " pgfence could not see";
        else if (medium > 0) out << " — " << plural(medium, "finding", "findings") << " to consider";
        else if (m_totals.unreadable > 0) out << " — " << plural(m_totals.unreadable, "file", "files") << " could not be read";
        out << "\n\n";
        if (!m_options.links.sha.empty()) out << "Analysed " << commit_ref(m_links, m_options.links.sha) << " · ";
        out << plural(m_report.files.size(), "file", "files") << " · " << plural(m_totals.statements, "statement", "statements")
            << " · PostgreSQL " << m_report.pg_version << "\n";
        if (m_changes) {
            out << "\nSince " << commit_ref(m_links, m_changes->previous_sha) << ": ✅ " << m_changes->resolved_total << " resolved";
            if (!m_changes->complete) out << " (at least)";
            if (m_changes->complete) out << " · 🆕 " << m_changes->added.size() << " new";
            out << " · " << m_changes->still_open << " still open\n";
        }
        return out.str();
    }

    // Every new HIGH and CRITICAL finding, by file, one line per rule and fix.
    std::string blocking() const {
        std::ostringstream out;
        std::size_t lines = 0, left = 0, left_findings = 0;
        std::set<std::size_t> left_files;
        bool any = false;
        for (std::size_t fi : file_order()) {
            const FileReport& file = m_report.files[fi];
            // rule -> its findings here, in order
            std::vector<std::pair<std::string, std::vector<std::size_t>>> rules;
            // The transaction's problem (locks held across statements, taken together, upgraded):
            // one line for the file, whose fix is one split of the migration, not one per statement.
            std::vector<std::size_t> transaction;
            for (std::size_t i = 0; i < file.findings.size(); ++i) {
                const Finding& f = file.findings[i];
                if (f.pre_existing || f.risk < Risk::High || f.rule == k_unknown_rule) continue;
                if (transaction_rule(f.rule)) {
                    if (transaction.empty()) rules.push_back({std::string(k_transaction), {}});
                    transaction.push_back(i);
                    continue;
                }
                // One line per rule and fix: findings that need different changes get a line each.
                auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& r) {
                    return r.first == f.rule && file.findings[r.second[0]].fix == f.fix;
                });
                if (it == rules.end()) rules.push_back({f.rule, {i}});
                else it->second.push_back(i);
            }
            if (rules.empty()) continue;
            if (!any) out << "\n**Fix before merging:**\n";
            any = true;
            if (lines >= k_digest_max_lines) {
                for (const auto& r : rules) left_findings += r.second.size();
                left += rules.size();
                left_files.insert(fi);
                continue;
            }
            out << "\n" << md_code_span(repo_path(file.path, m_links.root())) << "\n";
            for (auto& [rule, members] : rules) {
                if (rule == k_transaction) members = transaction;
                if (lines >= k_digest_max_lines) {
                    left_findings += members.size();
                    ++left;
                    left_files.insert(fi);
                    continue;
                }
                ++lines;
                out << (rule == k_transaction ? transaction_item(file, fi, members) : line_item(file, fi, members));
            }
        }
        if (left > 0) {
            out << "- … and " << plural(left_findings, "more finding", "more findings") << " in "
                << plural(left_files.size(), "file", "files") << ": see the details below\n";
        }
        return out.str();
    }

    // Every new unknown-statement finding, by file: said plainly, apart from the risks, because
    // what pgfence could not see is never clean (issue #53).
    std::string unseen() const {
        std::ostringstream out;
        std::size_t lines = 0, left = 0;
        for (std::size_t fi : file_order()) {
            const FileReport& file = m_report.files[fi];
            std::vector<std::size_t> members;
            for (std::size_t i = 0; i < file.findings.size(); ++i) {
                if (!file.findings[i].pre_existing && file.findings[i].rule == k_unknown_rule) members.push_back(i);
            }
            if (members.empty()) continue;
            if (lines == 0 && left == 0) {
                out << "\n**pgfence could not see what these statements do** (a person must review their SQL; they are never "
                       "reported as safe):\n";
            }
            for (std::size_t i : members) {
                if (lines >= k_digest_max_lines) {
                    ++left;
                    continue;
                }
                ++lines;
                out << "- " << review::risk_icon(file.findings[i].risk) << " " << md_code_span(m_short[fi]) << " "
                    << m_links.line_link("line " + std::to_string(file.findings[i].start.line), file.path, file.findings[i].start.line)
                    << " — " << md_text(file.findings[i].message, 240) << "\n";
            }
        }
        if (left > 0) out << "- … and " << plural(left, "more statement", "more statements") << ": see the details below\n";
        return out.str();
    }

    // MEDIUM: one line per rule with counts; LOW: one line; pre-existing: one line.
    std::string lesser() const {
        std::ostringstream out;
        std::map<std::string, std::vector<std::pair<std::size_t, const Finding*>>> medium;
        std::map<std::string, std::size_t> low;
        for (std::size_t fi = 0; fi < m_report.files.size(); ++fi) {
            for (const auto& f : m_report.files[fi].findings) {
                if (f.pre_existing || f.rule == k_unknown_rule) continue;  // unseen() lists them
                if (f.risk == Risk::Medium) medium[f.rule].push_back({fi, &f});
                if (f.risk == Risk::Low) ++low[f.rule];
            }
        }
        if (!medium.empty()) {
            out << "\n**Also consider:**\n\n";
            // Most frequent first.
            std::vector<const std::pair<const std::string, std::vector<std::pair<std::size_t, const Finding*>>>*> order;
            for (const auto& entry : medium) order.push_back(&entry);
            std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->second.size() > b->second.size(); });
            for (const auto* entry : order) {
                const auto& list = entry->second;
                std::set<std::size_t> files;
                for (const auto& [fi, f] : list) files.insert(fi);
                out << "- " << review::risk_icon(Risk::Medium) << " **" << m_links.rule(entry->first) << "** ×" << list.size() << " in ";
                if (files.size() == 1) out << md_code_span(m_short[*files.begin()]);
                else out << plural(files.size(), "file", "files");
                bool same_fix = std::all_of(list.begin(), list.end(), [&](const auto& p) { return p.second->fix == list[0].second->fix; });
                if (same_fix && !list[0].second->fix.empty()) out << " — " << md_text(list[0].second->fix);
                else if (list.size() > 1 && !list[0].second->fix.empty()) out << " — " << md_text(generic_fix(list));
                out << "\n";
            }
        }
        if (!low.empty()) {
            std::vector<std::pair<std::string, std::size_t>> order(low.begin(), low.end());
            std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
            out << "\n" << review::risk_icon(Risk::Low) << " " << m_totals.by_risk[static_cast<int>(Risk::Low)] << " LOW: ";
            for (std::size_t i = 0; i < order.size(); ++i) out << (i == 0 ? "" : ", ") << m_links.rule(order[i].first) << " ×" << order[i].second;
            out << "\n";
        }
        if (m_totals.pre_existing > 0) {
            std::size_t files = 0;
            for (const auto& f : m_report.files) {
                files += std::any_of(f.findings.begin(), f.findings.end(), [](const Finding& x) { return x.pre_existing; }) ? 1 : 0;
            }
            out << "\n" << plural(m_totals.pre_existing, "pre-existing finding", "pre-existing findings") << " in "
                << plural(files, "file", "files") << " (on lines this pull request did not touch; they do not count)\n";
        }
        return out.str();
    }

    std::string resolved() const {
        if (!m_changes || m_changes->resolved_total == 0) return {};
        std::ostringstream out;
        out << "\n**Resolved since " << commit_ref(m_links, m_changes->previous_sha) << ":**\n\n";
        std::size_t n = 0;
        for (const auto& f : m_changes->resolved) {
            if (n++ == k_resolved_max) break;
            std::string at = md_code_span(f.path + ":" + std::to_string(f.line));
            std::string url = m_links.line_url(f.path, f.line, m_changes->previous_sha);
            out << "- ✅ ~~" << risk_name(f.risk) << " **" << m_links.rule(f.rule) << "**~~ " << (url.empty() ? at : "[" + at + "](" + url + ")");
            if (!f.relation.empty()) out << " on " << md_code_span(f.relation, MdPlace::Prose, 80);
            out << "\n";
        }
        std::size_t listed = std::min(m_changes->resolved.size(), k_resolved_max);
        if (m_changes->resolved_total > listed) out << "- … and " << (m_changes->resolved_total - listed) << " more\n";
        return out.str();
    }

    // Files by what a reviewer must look at: new risk, then new findings, then pre-existing only.
    std::vector<std::size_t> file_order() const {
        std::vector<std::size_t> order(m_report.files.size());
        std::iota(order.begin(), order.end(), 0);
        auto rank = [&](std::size_t i) {
            const FileReport& f = m_report.files[i];
            int risk = static_cast<int>(review::new_risk(f));
            int errors = f.error ? 1 : 0;
            std::size_t fresh = std::count_if(f.findings.begin(), f.findings.end(), [](const Finding& x) { return !x.pre_existing; });
            return std::tuple(-std::max(risk, errors * static_cast<int>(Risk::High)), -static_cast<long>(fresh), f.findings.empty() ? 1 : 0);
        };
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
        return order;
    }

private:
    std::string line_item(const FileReport& file, std::size_t fi, const std::vector<std::size_t>& members) const {
        const Finding& f = file.findings[members[0]];
        std::ostringstream out;
        out << "- " << review::risk_icon(f.risk) << " ";
        std::size_t shown = std::min<std::size_t>(members.size(), 4);
        out << (members.size() == 1 ? "" : "lines ");
        for (std::size_t k = 0; k < shown; ++k) {
            int line = file.findings[members[k]].start.line;
            if (k > 0) out << ", ";
            out << m_links.line_link((members.size() == 1 ? "line " : "") + std::to_string(line), file.path, line);
        }
        if (members.size() > shown) out << " +" << (members.size() - shown);
        out << " **" << m_links.rule(f.rule) << "**";
        if (members.size() > 1) out << " ×" << members.size();
        if (m_changes && std::any_of(members.begin(), members.end(), [&](std::size_t i) { return m_changes->added.contains(m_keys[fi][i]); }))
            out << " 🆕";
        out << " — " << (f.fix.empty() ? md_text(f.message, 160) : md_text(f.fix));
        out << "\n";
        return out.str();
    }

    // The file's transaction findings as one line: where, which rules, and one fix.
    std::string transaction_item(const FileReport& file, std::size_t fi, const std::vector<std::size_t>& members) const {
        Risk worst = Risk::High;
        std::vector<std::pair<std::string, std::size_t>> rules;  // rule, count
        for (std::size_t i : members) {
            const Finding& f = file.findings[i];
            worst = std::max(worst, f.risk);
            auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& r) { return r.first == f.rule; });
            if (it == rules.end()) rules.push_back({f.rule, 1});
            else ++it->second;
        }
        std::ostringstream out;
        out << "- " << review::risk_icon(worst) << " ";
        std::size_t shown = std::min<std::size_t>(members.size(), 4);
        out << (members.size() == 1 ? "" : "lines ");
        for (std::size_t k = 0; k < shown; ++k) {
            int line = file.findings[members[k]].start.line;
            if (k > 0) out << ", ";
            out << m_links.line_link((members.size() == 1 ? "line " : "") + std::to_string(line), file.path, line);
        }
        if (members.size() > shown) out << " +" << (members.size() - shown);
        out << " the transaction holds locks too long:";
        for (std::size_t k = 0; k < rules.size(); ++k) {
            out << (k == 0 ? " " : ", ") << "**" << m_links.rule(rules[k].first) << "**";
            if (rules[k].second > 1) out << " ×" << rules[k].second;
        }
        if (m_changes && std::any_of(members.begin(), members.end(), [&](std::size_t i) { return m_changes->added.contains(m_keys[fi][i]); }))
            out << " 🆕";
        const bool planned = file.plan && !file.plan->steps.empty();
        out << " — "
            << (planned ? "split this migration: see its plan below"
                        : members.size() == 1 ? md_text(file.findings[members[0]].fix)
                                              : "split this migration where the findings below say, so each part ends right "
                                                "after the statement that locks a table");
        out << "\n";
        return out.str();
    }

    static std::string generic_fix(const std::vector<std::pair<std::size_t, const Finding*>>& list) {
        std::vector<std::string_view> fixes;
        for (const auto& p : list) fixes.push_back(p.second->fix);
        std::string common;
        if (!review::differing_parts(fixes, common).empty()) return common;
        return list[0].second->fix;
    }

    const Report& m_report;
    const MarkdownOptions& m_options;
    const Links& m_links;
    const Totals& m_totals;
    const std::vector<std::vector<std::string>>& m_keys;
    const std::optional<ReviewChanges>& m_changes;
    std::vector<std::string> m_short;
};

// What the cut left out, for its note.
struct LeftOut {
    std::size_t pre_existing = 0, low = 0, medium = 0, plans = 0, files = 0;
};

std::string cut_note(const LeftOut& l, const Links& links, const MarkdownOptions& options) {
    std::vector<std::string> parts;
    if (l.files > 0) parts.push_back("the detail of " + plural(l.files, "file", "files"));
    if (l.plans > 0) parts.push_back(plural(l.plans, "migration plan", "migration plans"));
    if (l.medium > 0) parts.push_back("the detail of " + plural(l.medium, "MEDIUM finding", "MEDIUM findings"));
    if (l.low > 0) parts.push_back("the detail of " + plural(l.low, "LOW finding", "LOW findings"));
    if (l.pre_existing > 0) parts.push_back(plural(l.pre_existing, "pre-existing finding", "pre-existing findings"));
    if (parts.empty()) return {};
    std::string note = "\n---\n_Shortened to fit GitHub's size limit. Left out: ";
    for (std::size_t i = 0; i < parts.size(); ++i) note += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    std::string where = links.run_url().empty() ? options.full_report : "the [job summary](" + links.run_url() + ")";
    return note + ". The whole report is in " + where + "._\n";
}

}  // namespace

void render_markdown(const Report& report, std::ostream& out, const MarkdownOptions& options) {
    Links links(options.links, options.root);
    Totals totals = totals_of(report);
    std::vector<std::vector<std::string>> keys;
    for (const auto& file : report.files) keys.push_back(finding_keys(file, options.root));
    ReviewState now = state_of(report, keys, options.links.sha, options.root);
    std::optional<ReviewChanges> changes;
    if (options.previous) changes = changes_since(*options.previous, now);
    if (changes) remember_changes(now, *changes);
    std::set<std::string> resolved_rules;
    if (changes) {
        for (const auto& f : changes->resolved) resolved_rules.insert(f.rule);
    }
    std::string state = options.with_state ? "\n" + encode_state(now) : std::string();
    std::string marker = options.marker.empty() || options.part != MarkdownPart::whole ? std::string() : "<!-- " + options.marker + " -->\n";

    Digest digest(report, options, links, totals, keys, changes);
    if (totals.findings == 0 && totals.unreadable == 0) {
        std::ostringstream body;
        // What the pull request's own pgfence-ignore comments hide is not "nothing risky".
        const auto self = review::pull_request_suppression_counts(options.pull_request_suppressions);
        if (self.lifted > 0) {
            body << marker << "## " << options.title << ": ⚠️ " << plural(self.lifted, "finding", "findings")
                 << " suppressed by this pull request\n\npgfence found nothing else in ";
        } else {
            body << marker << "## " << options.title << ": ✅ nothing risky\n\npgfence found nothing risky in ";
        }
        body << plural(report.files.size(), "migration file", "migration files") << " (" << plural(totals.statements, "statement", "statements")
             << ", PostgreSQL " << report.pg_version << ")";
        if (!options.links.sha.empty()) body << " at " << commit_ref(links, options.links.sha);
        std::string exemptions = review::pull_request_suppressions_section(options.pull_request_suppressions, links) + review::exemptions_section(report, links);
        body << ".\n" << digest.resolved() << exemptions;
        if (!exemptions.empty()) body << "\n" << links.link_definitions(exemptions);
        body << links.rule_definitions(report, resolved_rules) << state;
        out << (options.max_chars > 0 ? fit_bytes(body.str(), options.max_chars, "\n") : body.str());
        return;
    }

    std::string top;
    std::set<std::string> top_labels;
    if (options.part != MarkdownPart::details) {
        links.collect(&top_labels);
        top = marker + digest.head() + digest.blocking() + digest.unseen() + digest.lesser() + digest.resolved() + review::pull_request_suppressions_section(options.pull_request_suppressions, links) +
              review::exemptions_section(report, links);
        links.collect(nullptr);
    }
    const std::size_t top_links = links.definitions_size(top_labels) + 1;
    std::string tail = links.rule_definitions(report, resolved_rules) + state;
    if (options.part == MarkdownPart::digest) {
        std::string body = top + "\n" + links.link_definitions(top) + tail;
        out << (options.max_chars > 0 ? fit_bytes(std::move(body), options.max_chars, "\n") : body);
        return;
    }

    // The details, cut by value until the whole fits.
    std::vector<std::size_t> order;
    for (std::size_t i : digest.file_order()) {
        if (!report.files[i].findings.empty() || report.files[i].error || report.files[i].skipped) order.push_back(i);
    }
    std::vector<review::Depth> depth(report.files.size());
    std::vector<bool> hidden(report.files.size(), false);
    std::vector<review::FileDetail> shown(report.files.size());
    std::vector<LeftOut> lost(report.files.size());
    std::size_t size = 0;
    LeftOut all;  // the sum of `lost`
    auto tally = [&](const LeftOut& l, int sign) {
        auto add = [&](std::size_t& to, std::size_t n) { to = sign > 0 ? to + n : to - n; };
        add(all.pre_existing, l.pre_existing);
        add(all.low, l.low);
        add(all.medium, l.medium);
        add(all.plans, l.plans);
        add(all.files, l.files);
    };
    const std::set<std::string> no_keys;
    // One file's detail again at its depth; `size` and `all` follow.
    auto redo = [&](std::size_t i) {
        const FileReport& file = report.files[i];
        size -= shown[i].text.size() + shown[i].links_size;
        tally(lost[i], -1);
        lost[i] = LeftOut{};
        if (hidden[i]) {
            shown[i] = review::FileDetail{};
            lost[i].files = 1;
            tally(lost[i], 1);
            return;
        }
        shown[i] = review::render_file_detail(file, keys[i], changes ? changes->added : no_keys, depth[i], links);
        if (!shown[i].text.empty()) shown[i].text += "\n";
        size += shown[i].text.size() + shown[i].links_size;
        lost[i].plans = shown[i].plan_left_out ? 1 : 0;
        for (const auto& f : file.findings) {
            bool out_now = f.pre_existing ? !depth[i].pre_existing : f.risk < depth[i].floor;
            if (!out_now) continue;
            if (f.pre_existing) ++lost[i].pre_existing;
            else if (f.risk == Risk::Low) ++lost[i].low;
            else if (f.risk == Risk::Medium) ++lost[i].medium;
        }
        tally(lost[i], 1);
    };
    for (std::size_t i : order) redo(i);
    std::string heading = options.part == MarkdownPart::whole ? "\n### Details\n\n" : std::string();
    std::size_t quiet = report.files.size() - order.size();
    std::string quiet_line = quiet > 0 ? "_" + plural(quiet, "file has", "files have") + " no findings._\n" : std::string();
    std::string note;
    auto fits = [&] {
        note = cut_note(all, links, options);
        return options.max_chars == 0 ||
               top.size() + top_links + heading.size() + size + quiet_line.size() + note.size() + tail.size() <= options.max_chars;
    };
    // By value: pre-existing detail goes first, then LOW, then MEDIUM, then plans, then the
    // HIGH detail itself; each from the least important file up, so that as much as fits stays.
    using Step = bool (*)(review::Depth&);  // false: nothing to take away
    const Step steps[] = {
        [](review::Depth& d) { return std::exchange(d.pre_existing, false); },
        [](review::Depth& d) { return d.floor < Risk::Medium && (d.floor = Risk::Medium, true); },
        [](review::Depth& d) { return d.floor < Risk::High && (d.floor = Risk::High, true); },
        [](review::Depth& d) { return std::exchange(d.plan, false); },
    };
    for (Step step : steps) {
        for (auto it = order.rbegin(); it != order.rend() && !fits(); ++it) {
            if (!shown[*it].text.empty() && step(depth[*it])) redo(*it);
        }
    }
    for (auto it = order.rbegin(); it != order.rend() && !fits(); ++it) {
        if (shown[*it].text.empty()) continue;
        hidden[*it] = true;
        redo(*it);
    }
    std::string details = heading;
    for (std::size_t i : order) details += shown[i].text;
    details += quiet_line;
    std::string body = top + details + note;
    body += "\n" + links.link_definitions(body) + tail;
    if (options.max_chars > 0) {
        // Only a digest larger than the limit itself gets here.
        body = fit_bytes(std::move(body), options.max_chars, "\n\n_... cut at GitHub's size limit._\n");
    }
    out << body;
}

}  // namespace pgfence::annotate
