#include "annotate/review_detail.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/printable.hpp"
#include "annotate/rule_docs.hpp"

namespace pgfence::annotate::review {

using namespace pgfence::analyze;

namespace {

bool unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// A path for a URL: every byte but the unreserved ones and '/' percent-encoded.
std::string url_path(std::string_view path) { return percent_encode(path, "-._~/"); }

// Text for one line of an HTML block (a <summary>): no line break can end the block early.
std::string html_line(std::string_view text) {
    std::string one(text);
    for (char& c : one) {
        if (c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') c = ' ';
    }
    return html_text(printable(one));
}

// A server URL, repository name or sha we put into links as they are: nothing in them may
// need escaping in a Markdown link destination.
bool plain_url(std::string_view s) {
    return !s.empty() && s.size() < 512 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return unreserved(c) || c == '/' || c == ':';
    });
}

bool hex_sha(std::string_view s) {
    return s.size() >= 7 && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool word_boundary(char c) { return c == ' ' || c == '.' || c == ',' || c == '(' || c == ')' || c == ':'; }

}  // namespace

Links::Links(const ReviewLinks& links, std::string root) : m_root(std::move(root)) {
    std::string server = links.server;
    while (!server.empty() && server.back() == '/') server.pop_back();
    if (plain_url(server) && (server.starts_with("https://") || server.starts_with("http://")) && plain_url(links.repository) &&
        std::count(links.repository.begin(), links.repository.end(), '/') == 1) {
        m_repo = server + "/" + links.repository + "/";
        m_commit = m_repo + "commit/";
        if (hex_sha(links.sha)) m_blob = server + "/" + links.repository + "/blob/" + links.sha + "/";
    }
    if (plain_url(links.run_url)) m_run = links.run_url;
    if (plain_url(links.docs_base)) m_docs = links.docs_base;
}

std::string Links::line_url(std::string_view path, int line) const {
    if (m_blob.empty()) return {};
    return m_blob + url_path(repo_path(path, m_root)) + (line > 0 ? "#L" + std::to_string(line) : "");
}

std::string Links::line_url(std::string_view path, int line, std::string_view sha) const {
    if (m_repo.empty() || !hex_sha(sha)) return {};
    return m_repo + "blob/" + std::string(sha) + "/" + url_path(repo_path(path, m_root)) + (line > 0 ? "#L" + std::to_string(line) : "");
}

std::string Links::line_link(const std::string& text, std::string_view path, int line) const {
    std::string url = line_url(path, line);
    if (url.empty()) return text;
    auto [it, added] = m_refs.try_emplace(url, "");
    if (added) {
        it->second = "L" + std::to_string(m_refs.size());
        m_sizes[it->second] = it->second.size() + url.size() + 5;  // "[L]: url\n"
    }
    if (m_sink != nullptr) m_sink->insert(it->second);
    return "[" + text + "][" + it->second + "]";
}

std::size_t Links::definitions_size(const std::set<std::string>& labels) const {
    std::size_t n = 0;
    for (const auto& label : labels) n += m_sizes.at(label);
    return n;
}

std::string Links::link_definitions(std::string_view body) const {
    std::string out;
    for (const auto& [url, label] : m_refs) {
        if (body.find("][" + label + "]") != std::string_view::npos) out += "[" + label + "]: " + url + "\n";
    }
    return out;
}

std::string Links::commit_url(std::string_view sha) const {
    if (m_commit.empty() || !hex_sha(sha)) return {};
    return m_commit + std::string(sha);
}

std::string Links::rule(std::string_view id) const {
    bool linked = !m_docs.empty() && !rule_doc(id).empty();
    return linked ? "[" + std::string(id) + "]" : std::string(id);
}

std::string Links::rule_definitions(const Report& report, const std::set<std::string>& also) const {
    if (m_docs.empty()) return {};
    std::set<std::string> rules;
    for (const auto& r : also) {
        if (!rule_doc(r).empty()) rules.insert(r);
    }
    for (const auto& file : report.files) {
        for (const auto& f : file.findings) {
            if (!rule_doc(f.rule).empty()) rules.insert(f.rule);
        }
        for (const auto& f : file.suppressed) {  // the exemptions section names these
            if (f.suppressed_by && f.suppressed_by->exemption() && !rule_doc(f.rule).empty()) rules.insert(f.rule);
        }
    }
    std::string out;
    for (const auto& r : rules) out += "[" + r + "]: " + m_docs + r + ".md\n";
    return out.empty() ? out : "\n" + out;
}

const char* risk_icon(Risk r) {
    switch (r) {
        case Risk::Critical: return "🛑";
        case Risk::High: return "🔴";
        case Risk::Medium: return "🟠";
        case Risk::Low: return "🟡";
        case Risk::None: return "✅";
    }
    return "";
}

std::string risk_badge(Risk r) {
    return std::string(risk_icon(r)) + " " + (r == Risk::None ? std::string("none") : std::string(risk_name(r)));
}

Risk new_risk(const FileReport& file) {
    Risk worst = Risk::None;
    for (const auto& f : file.findings) {
        if (!f.pre_existing) worst = std::max(worst, f.risk);
    }
    return worst;
}

std::vector<std::string> short_paths(const std::vector<std::string>& paths) {
    auto tail = [](const std::string& p, std::size_t parts) {
        std::size_t at = p.size();
        for (std::size_t i = 0; i < parts; ++i) {
            std::size_t slash = at == 0 ? std::string::npos : p.rfind('/', at - 1);
            if (slash == std::string::npos) return p;
            at = slash;
        }
        return p.substr(at + 1);
    };
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::string best = p;
        for (std::size_t parts = 1; parts < 64; ++parts) {
            std::string candidate = tail(p, parts);
            bool unique = std::none_of(paths.begin(), paths.end(), [&](const std::string& other) {
                return other != p && (other == candidate || other.ends_with("/" + candidate));
            });
            if (unique || candidate == p) {
                best = candidate;
                break;
            }
        }
        out.push_back(best);
    }
    return out;
}

std::vector<std::string> differing_parts(const std::vector<std::string_view>& texts, std::string& common) {
    common.clear();
    if (texts.size() < 2) return {};
    std::size_t prefix = texts[0].size(), suffix = texts[0].size();
    for (auto t : texts) {
        std::size_t i = 0;
        while (i < prefix && i < t.size() && t[i] == texts[0][i]) ++i;
        prefix = i;
        std::size_t j = 0;
        while (j < suffix && j < t.size() && j < texts[0].size() && t[t.size() - 1 - j] == texts[0][texts[0].size() - 1 - j]) ++j;
        suffix = j;
    }
    // Back to word boundaries: the prefix ends after one, the suffix starts at one.
    while (prefix > 0 && !word_boundary(texts[0][prefix - 1])) --prefix;
    auto fits = [&](std::size_t p, std::size_t s) {
        return std::all_of(texts.begin(), texts.end(), [&](std::string_view t) { return p + s <= t.size(); });
    };
    while (suffix > 0 && !word_boundary(texts[0][texts[0].size() - suffix])) --suffix;
    while (suffix > 0 && !fits(prefix, suffix)) --suffix;
    if (prefix + suffix < 12 || !fits(prefix, suffix)) return {};
    std::vector<std::string> parts;
    for (auto t : texts) {
        std::string part(t.substr(prefix, t.size() - prefix - suffix));
        // A subject is one name; texts that differ in more than that are not summed up.
        if (part.empty() || part.size() > 60 || part.find(' ') != std::string::npos) return {};
        parts.push_back(std::move(part));
    }
    common = std::string(texts[0].substr(0, prefix)) + "…" + std::string(texts[0].substr(texts[0].size() - suffix));
    return parts;
}

namespace {

struct Shown {
    const Finding* first = nullptr;
    std::vector<std::size_t> members;  // indexes into file.findings
};

std::string finding_item(const FileReport& file, const Shown& item, const std::vector<std::string>& keys,
                         const std::set<std::string>& added, int statement_line, const Links& links) {
    const Finding& f = *item.first;
    std::ostringstream out;
    out << "- " << risk_icon(f.risk) << " " << risk_name(f.risk) << " **" << links.rule(f.rule) << "**";
    bool fresh = std::any_of(item.members.begin(), item.members.end(), [&](std::size_t i) { return added.contains(keys[i]); });
    if (f.pre_existing) out << " _(pre-existing)_";
    else if (fresh) out << " 🆕";
    // LOW and pre-existing findings say only what to change: why is on the rule's page and in
    // the annotation.
    // A finding sized from a stats snapshot keeps its message: the table's size is the news.
    bool brief = (f.risk <= Risk::Low || f.pre_existing) && !f.fix.empty() && !f.size;
    if (item.members.size() == 1) {
        if (f.start.line > 0 && f.start.line != statement_line) out << " · line " << f.start.line;
        if (brief) out << ": " << md_text(f.fix) << "\n";
        else out << ": " << md_text(f.message) << (f.fix.empty() ? "" : "<br>**Fix:** " + md_text(f.fix)) << "\n";
        return out.str();
    }
    std::vector<std::string_view> messages, fixes;
    for (std::size_t i : item.members) {
        messages.push_back(file.findings[i].message);
        fixes.push_back(file.findings[i].fix);
    }
    std::string common, common_fix;
    std::vector<std::string> subjects = differing_parts(messages, common);
    out << " ×" << item.members.size() << ": ";
    for (std::size_t k = 0; k < item.members.size(); ++k) {
        const Finding& m = file.findings[item.members[k]];
        if (k > 0) out << ", ";
        if (!subjects.empty()) out << md_code_span(subjects[k], MdPlace::Prose, 60) << " (line " << m.start.line << ")";
        else out << "line " << m.start.line;
    }
    if (!brief) out << "<br>" << md_text(subjects.empty() ? f.message : common);
    bool same_fix = std::all_of(fixes.begin(), fixes.end(), [&](std::string_view x) { return x == fixes[0]; });
    if (!f.fix.empty()) {
        std::vector<std::string> fix_parts = same_fix ? std::vector<std::string>{} : differing_parts(fixes, common_fix);
        out << (brief ? " — " : "<br>**Fix:** ") << md_text(same_fix ? f.fix : !fix_parts.empty() ? common_fix : f.fix + " (and the same for the others)");
    }
    out << "\n";
    return out.str();
}

void render_plan(const FileReport& file, std::ostream& out) {
    if (file.plan && !file.plan->declined.empty()) {
        out << "\n**Migration plan:** none offered: " << md_text(file.plan->declined) << "\n";
        return;
    }
    if (file.plan) {
        out << "\n<details><summary>Migration plan: " << html_line(file.plan->summary) << "</summary>\n\n";
        for (const auto& step : file.plan->steps) {
            out << md_text(step.title) << " → " << md_code_span(step.path, MdPlace::Prose, 200) << "\n\n" << md_code_block(step.sql, "sql") << "\n";
        }
        for (const auto& note : file.plan->notes) out << "- " << md_text(note) << "\n";
        out << "\n</details>\n";
        return;
    }
    for (const auto& f : file.findings) {
        if (!f.recipe) continue;
        out << "\n<details><summary>Safe rewrite, line " << f.start.line << " (" << html_line(f.rule) << ")"
            << (f.pre_existing ? ", pre-existing" : "") << "</summary>\n\n"
            << md_text(f.recipe->summary) << "\n\n";
        for (const auto& step : f.recipe->steps) {
            out << md_text(step.title) << (step.in_transaction ? "" : " — outside a transaction") << ":\n\n" << md_code_block(step.sql, "sql") << "\n";
        }
        out << "</details>\n";
    }
}

bool has_recipes(const FileReport& file) {
    return file.plan || std::any_of(file.findings.begin(), file.findings.end(), [](const Finding& f) { return f.recipe.has_value(); });
}

}  // namespace

FileDetail render_file_detail(const FileReport& file, const std::vector<std::string>& keys, const std::set<std::string>& added,
                              const Depth& depth, const Links& links) {
    FileDetail detail;
    auto shown = [&](const Finding& f) { return f.pre_existing ? depth.pre_existing : f.risk >= depth.floor; };
    std::size_t counts[5] = {}, old = 0;
    for (const auto& f : file.findings) {
        if (f.pre_existing) ++old;
        else ++counts[static_cast<int>(f.risk)];
        if (!shown(f)) ++detail.findings_left_out;
    }
    if (!file.error && !file.skipped && detail.findings_left_out == file.findings.size()) {
        detail.plan_left_out = has_recipes(file);
        return detail;
    }
    Risk risk = new_risk(file);
    std::string path = repo_path(file.path, links.root());
    std::ostringstream out;
    out << "<details" << (risk >= Risk::Medium || file.error ? " open" : "") << "><summary>" << risk_icon(risk) << " <code>"
        << html_line(path) << "</code>";
    std::vector<std::string> tally;
    for (Risk r : {Risk::Critical, Risk::High, Risk::Medium, Risk::Low}) {
        if (counts[static_cast<int>(r)] > 0) tally.push_back(std::to_string(counts[static_cast<int>(r)]) + " " + std::string(risk_name(r)));
    }
    if (old > 0) tally.push_back(std::to_string(old) + " pre-existing");
    for (std::size_t i = 0; i < tally.size(); ++i) out << (i == 0 ? " — " : " · ") << tally[i];
    out << "</summary>\n\n";
    if (file.error) {
        out << "Could not be read: " << md_text(file.error->message) << "\n\n</details>\n";
        detail.text = out.str();
        return detail;
    }
    if (file.skipped) {
        out << "Skipped: " << md_text(file.skip_reason) << ".\n\n</details>\n";
        detail.text = out.str();
        return detail;
    }
    if (file.wrapped_in_transaction) out << "_" << tool_name(file.tool) << " runs this file in one transaction._\n\n";
    std::set<std::string> labels;
    links.collect(&labels);

    // Repeated findings of one rule (same risk, both new or both pre-existing) whose messages
    // differ only in a name are one item, listed where the first of them is; the others (and
    // any sized from a stats snapshot, whose size is the news) stand alone.
    std::map<std::tuple<std::string, Risk, bool>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < file.findings.size(); ++i) {
        const Finding& f = file.findings[i];
        if (shown(f)) groups[{f.rule, f.risk, f.pre_existing}].push_back(i);
    }
    std::vector<bool> grouped(file.findings.size(), false);
    for (const auto& [key, members] : groups) {
        if (members.size() < 2) continue;
        std::vector<std::string_view> messages;
        bool sized = false;
        for (std::size_t i : members) {
            messages.push_back(file.findings[i].message);
            sized = sized || file.findings[i].size.has_value();
        }
        std::string common;
        if (sized || differing_parts(messages, common).empty()) continue;
        for (std::size_t i : members) grouped[i] = true;
    }
    std::vector<Shown> items;
    std::vector<int> item_statement;
    std::map<std::tuple<std::string, Risk, bool>, std::size_t> item_of;
    for (std::size_t i = 0; i < file.findings.size(); ++i) {
        const Finding& f = file.findings[i];
        if (!shown(f)) continue;
        if (grouped[i]) {
            auto [it, first] = item_of.try_emplace({f.rule, f.risk, f.pre_existing}, items.size());
            if (!first) {
                items[it->second].members.push_back(i);
                continue;
            }
        }
        items.push_back({&f, {i}});
        item_statement.push_back(f.statement);
    }
    // File-level findings first, then statement by statement.
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (item_statement[k] < 0) out << finding_item(file, items[k], keys, added, 0, links);
    }
    if (std::any_of(item_statement.begin(), item_statement.end(), [](int s) { return s < 0; })) out << "\n";
    for (const auto& s : file.statements) {
        // The riskiest first, then in source order.
        std::vector<std::size_t> here;
        for (std::size_t k = 0; k < items.size(); ++k) {
            if (item_statement[k] == s.index) here.push_back(k);
        }
        std::stable_sort(here.begin(), here.end(), [&](std::size_t a, std::size_t b) { return items[a].first->risk > items[b].first->risk; });
        std::string body;
        for (std::size_t k : here) body += finding_item(file, items[k], keys, added, s.span.start.line, links);
        if (body.empty() && s.status != StatementStatus::Unparsable) continue;
        out << "**" << links.line_link("line " + std::to_string(s.span.start.line), file.path, s.span.start.line) << "** " << md_code_span(s.sql, MdPlace::Prose, 100);
        const LockFact* lock = s.strongest_lock();
        if (lock != nullptr && !lock->is_new) out << " · " << lock_mode_name(lock->mode) << " on " << md_code_span(lock->relation, MdPlace::Prose, 80);
        out << "\n\n";
        if (s.status == StatementStatus::Unparsable && body.empty()) {
            body = "- does not parse" + (s.parse_error ? ": " + md_text(s.parse_error->message) : std::string()) + "\n";
        }
        out << body << "\n";
    }
    if (depth.plan) render_plan(file, out);
    else detail.plan_left_out = has_recipes(file);
    out << "\n</details>\n";
    links.collect(nullptr);
    detail.text = out.str();
    detail.links_size = links.definitions_size(labels);
    return detail;
}

}  // namespace pgfence::annotate::review
