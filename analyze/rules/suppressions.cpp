#include "analyze/rules/suppressions.hpp"

#include <cctype>

#include "analyze/rules/engine.hpp"
#include "analyze/rules/suppression_aliases.hpp"
#include "analyze/parse/source_text.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// "a, b -- why" -> {a, b} and "why".
void parse_ids(std::string_view comment, std::set<std::string>& ids, std::string_view& tail) {
    auto reason = comment.find("--");
    if (reason != std::string_view::npos) {
        tail = comment.substr(reason + 2);
        comment = comment.substr(0, reason);
    }
    std::size_t pos = 0;
    while (pos <= comment.size()) {
        auto comma = comment.find(',', pos);
        std::string_view id = trim(comment.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
        if (!id.empty()) ids.insert(std::string(id));
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
}

// "pgfence-ignore: a, b -- why" -> {a, b} and "why"; returns false when the comment is not ours.
// The original pgfence's "pgfence: ignore a, b" (ids required) sets `old_syntax`.
bool parse_comment(std::string_view comment, bool& file_level, bool& old_syntax, std::set<std::string>& ids,
                   std::string_view& tail) {
    comment = trim(comment);
    constexpr std::string_view k_file = "pgfence-ignore-file";
    constexpr std::string_view k_stmt = "pgfence-ignore";
    constexpr std::string_view k_old = "pgfence:";
    if (comment.starts_with(k_old)) {
        std::string_view rest = trim(comment.substr(k_old.size()));
        if (!rest.starts_with("ignore") || rest.size() == 6 || !std::isspace(static_cast<unsigned char>(rest[6]))) return false;
        file_level = false;
        old_syntax = true;
        parse_ids(rest.substr(6), ids, tail);
        return !ids.empty();
    }
    if (comment.starts_with(k_file)) {
        file_level = true;
        comment.remove_prefix(k_file.size());
    } else if (comment.starts_with(k_stmt)) {
        file_level = false;
        comment.remove_prefix(k_stmt.size());
    } else {
        return false;
    }
    comment = trim(comment);
    if (comment.empty()) return true;
    // "pgfence-ignore -- why": every rule, with a reason.
    if (comment.starts_with("--")) {
        tail = comment.substr(2);
        return true;
    }
    if (comment.front() != ':') return !std::isalnum(static_cast<unsigned char>(comment.front())) && comment.front() != '-';
    parse_ids(comment.substr(1), ids, tail);
    return true;
}

// The original pgfence's ids in `s.ids` become today's (suppression_aliases.hpp); what was
// written is kept for the note that says how to write it today.
void map_old_ids(Suppression& s) {
    std::set<std::string> today;
    bool any_today = false;
    for (const auto& id : s.ids) {
        OldRuleId old = old_rule_id(id);
        if (old.today.empty() && !old.retired) {
            today.insert(id);
            any_today = true;
            continue;
        }
        s.old_ids.push_back(id);
        for (std::string_view t : old.today) today.insert(std::string(t));
        any_today = any_today || !old.today.empty();
    }
    s.ids = std::move(today);
    // Only ids pgfence no longer reports: it hides nothing (not every rule, as no ids would).
    s.retired_only = !s.old_ids.empty() && !any_today;
}

}  // namespace

std::vector<Suppression> find_suppressions(std::string_view text, const FileReport& report) {
    std::vector<Suppression> out;
    if (text.find("pgfence-ignore") == std::string_view::npos && text.find("pgfence:") == std::string_view::npos) return out;
    LineIndex lines(text);
    // Each line comment that starts its line belongs to the next statement after it.
    std::size_t next = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = trim(text.substr(pos, eol - pos));
        while (next < report.statements.size() && report.statements[next].span.begin < pos) ++next;
        bool inside = next > 0 && report.statements[next - 1].span.end > pos;
        if (!inside && line.starts_with("--")) {
            bool file_level = false;
            bool old_syntax = false;
            std::set<std::string> ids;
            std::string_view tail;
            if (parse_comment(line.substr(2), file_level, old_syntax, ids, tail)) {
                Suppression s;
                s.ids = std::move(ids);
                s.old_syntax = old_syntax;
                map_old_ids(s);
                s.fields = parse_suppression_fields(tail);
                s.where = lines.position(pos + (text.substr(pos, eol - pos).find("--")));
                s.where_end = lines.position(eol > pos ? eol - 1 : pos);
                s.statement = file_level ? -1 : (next < report.statements.size() ? report.statements[next].index : -2);
                out.push_back(std::move(s));
            }
        }
        pos = eol + 1;
    }
    return out;
}

void settle_suppressions(std::vector<Suppression>& suppressions, const CivilDate& today, const Options& options) {
    const Rule* owner_rule = find_rule("suppression-missing-owner");
    bool owner_required = owner_rule != nullptr && rule_active(*owner_rule, options);
    for (auto& s : suppressions) {
        if (!s.fields.problems.empty()) s.state = SuppressionState::invalid;
        else if (s.fields.until && today > *s.fields.until) s.state = SuppressionState::expired;
        else if (owner_required && (s.fields.reason.empty() || s.fields.owner.empty())) s.state = SuppressionState::missing_owner;
        else s.state = SuppressionState::active;
    }
}

SuppressedBy suppressed_by(const Suppression& s) {
    SuppressedBy by;
    by.line = s.where.line;
    by.whole_file = s.statement == -1;
    by.reason = s.fields.reason;
    by.owner = s.fields.owner;
    if (s.fields.until) by.until = format_civil_date(*s.fields.until);
    return by;
}

std::string_view marker(const Suppression& s) { return s.statement == -1 ? "pgfence-ignore-file" : "pgfence-ignore"; }

std::string todays_form(const Suppression& s) {
    std::string out = s.statement == -1 ? "-- pgfence-ignore-file" : "-- pgfence-ignore";
    if (!s.ids.empty()) out += ": " + rule_list(s);
    if (!s.fields.reason.empty() || !s.fields.owner.empty() || s.fields.until) out += " -- ...";
    return out;
}

std::string rule_list(const Suppression& s) {
    if (s.ids.empty()) return "every rule";
    std::string list;
    for (const auto& id : s.ids) list += (list.empty() ? "" : ", ") + id;
    return list;
}

}  // namespace pgfence::analyze::rules
