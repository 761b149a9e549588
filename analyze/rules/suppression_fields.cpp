#include "analyze/rules/suppression_fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pgfence::analyze::rules {
namespace {

constexpr std::array<std::string_view, 3> k_fields = {"reason", "owner", "until"};
// Keys people reach for instead of the real ones: read as fields (and refused), never as a reason.
constexpr std::array<std::string_view, 6> k_lookalikes = {"expires", "expiry", "expiration", "expire", "owners", "team"};
constexpr std::string_view k_field_help = "the fields are reason=\"...\", owner=@login or @org/team, until=YYYY-MM-DD";

bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// The key of a word "key=value" (letters first), or "" when the word is not one.
std::string_view key_of(std::string_view text, std::size_t at) {
    if (at >= text.size() || !std::isalpha(static_cast<unsigned char>(text[at]))) return {};
    std::size_t end = at;
    while (end < text.size() && key_char(text[end])) ++end;
    if (end >= text.size() || text[end] != '=') return {};
    return text.substr(at, end - at);
}

bool looks_like_field(std::string_view key) {
    std::string k = lower(key);
    if (std::find(k_lookalikes.begin(), k_lookalikes.end(), k) != k_lookalikes.end()) return true;
    return std::any_of(k_fields.begin(), k_fields.end(), [&](std::string_view f) {
        return k == f || (k.size() >= 4 && edit_distance(k, f) <= 1);
    });
}

// Where each word starts (outside no quotes: the check only decides how to read the text).
bool has_field(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((i == 0 || space(text[i - 1])) && looks_like_field(key_of(text, i))) return true;
    }
    return false;
}

bool valid_owner(std::string_view owner) {
    if (owner.size() < 2 || owner[0] != '@') return false;
    owner.remove_prefix(1);
    auto slash = owner.find('/');
    std::string_view login = owner.substr(0, slash);
    // A GitHub login: letters, digits and single inner hyphens, at most 39 characters.
    if (login.empty() || login.size() > 39 || login.front() == '-' || login.back() == '-') return false;
    for (std::size_t i = 0; i < login.size(); ++i) {
        char c = login[i];
        if (c == '-' ? i > 0 && login[i - 1] == '-' : std::isalnum(static_cast<unsigned char>(c)) == 0) return false;
    }
    if (slash == std::string_view::npos) return true;
    std::string_view team = owner.substr(slash + 1);  // a team's slug
    if (team.empty() || team.size() > 100 || std::isalnum(static_cast<unsigned char>(team.front())) == 0) return false;
    return std::all_of(team.begin(), team.end(), [](char c) { return key_char(c) || c == '.'; });
}

// What a problem quotes of the comment: short, one line.
std::string quoted(std::string_view text) {
    std::string out(text.substr(0, 60));
    std::replace_if(out.begin(), out.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; }, ' ');
    return "'" + out + (text.size() > 60 ? "...'" : "'");
}

class FieldReader {
public:
    FieldReader(std::string_view text, SuppressionFields& out) : m_text(text), m_out(out) {}

    void read() {
        std::string_view lead = free_text();
        if (!lead.empty()) m_out.reason = std::string(lead);
        while (skip_space()) {
            std::string_view key = key_of(m_text, m_at);
            if (key.empty()) {
                problem("text after the fields: " + quoted(m_text.substr(m_at)) + " (quote a reason: reason=\"...\")");
                return;
            }
            m_at += key.size() + 1;
            auto value = read_value(key);
            if (!value) return;
            field(key, *value, !lead.empty());
        }
    }

private:
    // Free text before the first key=value word.
    std::string_view free_text() {
        std::size_t begin = m_at;
        for (; m_at < m_text.size(); ++m_at) {
            if ((m_at == 0 || space(m_text[m_at - 1])) && !key_of(m_text, m_at).empty()) break;
        }
        std::string_view lead = m_text.substr(begin, m_at - begin);
        while (!lead.empty() && space(lead.back())) lead.remove_suffix(1);
        return lead;
    }

    bool skip_space() {
        while (m_at < m_text.size() && space(m_text[m_at])) ++m_at;
        return m_at < m_text.size();
    }

    std::optional<std::string> read_value(std::string_view key) {
        std::string value;
        if (m_at < m_text.size() && m_text[m_at] == '"') {
            for (++m_at; m_at < m_text.size() && m_text[m_at] != '"'; ++m_at) {
                if (m_text[m_at] == '\\' && m_at + 1 < m_text.size() && (m_text[m_at + 1] == '"' || m_text[m_at + 1] == '\\')) ++m_at;
                value += m_text[m_at];
            }
            if (m_at >= m_text.size()) {
                problem(std::string(key) + "= opens a quote that does not close");
                return std::nullopt;
            }
            ++m_at;
            if (m_at < m_text.size() && !space(m_text[m_at])) {
                problem(std::string(key) + "=\"...\" is followed by " + quoted(m_text.substr(m_at)) + " without a space");
                return std::nullopt;
            }
            return value;
        }
        std::size_t end = m_at;
        while (end < m_text.size() && !space(m_text[end])) ++end;
        value = std::string(m_text.substr(m_at, end - m_at));
        m_at = end;
        return value;
    }

    void field(std::string_view key, const std::string& value, bool had_lead) {
        std::string k = lower(key);
        if (std::find(k_fields.begin(), k_fields.end(), k) == k_fields.end()) {
            std::string hint;
            for (std::string_view f : k_fields) {
                if (edit_distance(k, f) <= 1) hint = ": did you mean " + std::string(f) + "=?";
            }
            if (hint.empty()) hint = " (" + std::string(k_field_help) + ")";
            problem("unknown field " + quoted(key) + hint);
            return;
        }
        if (std::find(m_seen.begin(), m_seen.end(), k) != m_seen.end()) {
            problem(k + "= is given twice");
            return;
        }
        m_seen.push_back(k);
        if (k == "reason") {
            if (had_lead) problem("a reason both as free text and as reason=: keep one");
            else m_out.reason = value;
        } else if (k == "owner") {
            if (valid_owner(value)) m_out.owner = value;
            else problem("owner " + quoted(value) + " is not @login or @org/team");
        } else {
            m_out.until = parse_civil_date(value);
            if (!m_out.until) problem("until " + quoted(value) + " is not a date: write YYYY-MM-DD (a UTC day)");
        }
    }

    void problem(std::string text) { m_out.problems.push_back(std::move(text)); }

    std::string_view m_text;
    SuppressionFields& m_out;
    std::size_t m_at = 0;
    std::vector<std::string> m_seen;
};

}  // namespace

SuppressionFields parse_suppression_fields(std::string_view text) {
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    SuppressionFields out;
    if (!has_field(text)) {
        out.reason = std::string(text);
        return out;
    }
    FieldReader(text, out).read();
    return out;
}

}  // namespace pgfence::analyze::rules
