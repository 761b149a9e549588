#include "serve/commands.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "analyze/base/civil_date.hpp"
#include "analyze/rules/rule.hpp"
#include "serve/github_app.hpp"

namespace pgfence::serve {
namespace {

using analyze::Error;

Error problem(std::string message) { return Error{std::move(message), "", std::nullopt}; }

bool space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && (space(text.front()) || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (space(text.back()) || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

// Words of one line; "..." groups (a backslash escapes the next character inside it).
analyze::Result<std::vector<std::string>> words(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && space(line[i])) ++i;
        if (i >= line.size()) break;
        std::string word;
        bool quoted = false;
        while (i < line.size() && (quoted || !space(line[i]))) {
            const char c = line[i++];
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i < line.size()) {
                word += line[i++];
            } else {
                word += c;
            }
        }
        if (quoted) return problem("a quotation mark is not closed");
        out.push_back(std::move(word));
    }
    return out;
}

// YYYY-MM-DD: the end of that day (UTC); or an RFC 3339 instant in UTC. Anything else, a day
// that does not exist included, is nothing (never an exception: the text is a commenter's).
std::optional<std::chrono::system_clock::time_point> parse_until(const std::string& text) {
    if (text.size() == 10) {
        auto date = analyze::parse_civil_date(text);
        if (!date) return std::nullopt;
        const std::chrono::year_month_day day{std::chrono::year(date->year), std::chrono::month(static_cast<unsigned>(date->month)),
                                              std::chrono::day(static_cast<unsigned>(date->day))};
        return std::chrono::sys_days(day) + std::chrono::days(1);
    }
    return parse_utc(text);
}

bool printable_path(const std::string& path) {
    return !path.empty() && path.size() <= 1024 &&
           std::none_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

analyze::Result<Command> parse_exempt(const std::vector<std::string>& w) {
    Command out;
    out.kind = CommandKind::Exempt;
    std::size_t i = 2;
    if (i >= w.size() || w[i].starts_with("--")) return problem("exempt needs a rule id");
    out.rule = w[i++];
    if (analyze::rules::find_rule(out.rule) == nullptr) return problem("unknown rule id '" + out.rule + "'");
    if (i < w.size() && w[i] == "at") {
        if (++i >= w.size() || w[i].starts_with("--")) return problem("'at' needs FILE or FILE:LINE");
        std::string where = w[i++];
        if (auto colon = where.rfind(':'); colon != std::string::npos && colon + 1 < where.size() &&
                                           std::all_of(where.begin() + static_cast<long>(colon) + 1, where.end(),
                                                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
            const std::string digits = where.substr(colon + 1);
            if (digits.size() > 7 || std::stoi(digits) < 1) return problem("the line must be a number from 1");
            out.line = std::stoi(digits);
            where.resize(colon);
        }
        if (!printable_path(where)) return problem("the file must be a path of printable characters");
        out.path = where;
    }
    bool has_reason = false;
    bool has_until = false;
    while (i < w.size()) {
        std::string option = w[i++];
        std::string value;
        if (auto eq = option.find('='); option.starts_with("--") && eq != std::string::npos) {
            value = option.substr(eq + 1);
            option.resize(eq);
        } else if (option == "--reason" || option == "--until") {
            if (i >= w.size()) return problem(option + " needs a value");
            value = w[i++];
        }
        if (option == "--reason") {
            out.reason = std::string(trim(value));
            has_reason = true;
        } else if (option == "--until") {
            auto until = parse_until(value);
            if (!until) return problem("--until must be a date, YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ");
            out.until = value;
            out.expires_at = *until;
            has_until = true;
        } else {
            return problem("unexpected '" + option.substr(0, 64) + "'");
        }
    }
    if (!has_reason || out.reason.empty()) return problem("exempt needs --reason \"...\"");
    if (!has_until) return problem("exempt needs --until DATE");
    if (out.reason.size() > k_max_reason) return problem("the reason is longer than " + std::to_string(k_max_reason) + " bytes");
    return out;
}

// 7 to 40 hex digits: a commit's sha as GitHub shows it, short or full.
bool is_commit_prefix(const std::string& word) {
    return word.size() >= 7 && word.size() <= 40 &&
           std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

std::string_view command_usage() {
    return "`/pgfence approve [SHA] [reason]`, `/pgfence revoke`, "
           "`/pgfence exempt RULE [at FILE[:LINE]] --reason \"...\" --until YYYY-MM-DD`";
}

analyze::Result<std::optional<Command>> parse_command(std::string_view body) {
    std::string_view line;
    while (!body.empty()) {
        const auto end = body.find('\n');
        line = trim(body.substr(0, end));
        body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
        if (!line.empty()) break;
    }
    constexpr std::string_view k_prefix = "/pgfence";
    if (!line.starts_with(k_prefix) || (line.size() > k_prefix.size() && !space(line[k_prefix.size()]))) {
        return std::optional<Command>{};
    }
    auto w = words(line);
    if (!w) return w.error();
    if (w->size() < 2) return problem("a command is missing after /pgfence");
    const std::string& verb = (*w)[1];
    if (verb == "approve") {
        Command out;
        out.kind = CommandKind::Approve;
        std::string_view rest = trim(line.substr(k_prefix.size()));
        constexpr std::string_view k_verb = "approve";
        out.reason = rest.starts_with(k_verb) ? std::string(trim(rest.substr(k_verb.size()))) : std::string();
        // `/pgfence approve SHA [reason]`: the commit whose decision is approved, named explicitly.
        if (w->size() > 2 && is_commit_prefix((*w)[2]) && out.reason.starts_with((*w)[2])) {
            std::string sha = (*w)[2];
            std::transform(sha.begin(), sha.end(), sha.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            out.commit = std::move(sha);
            out.reason = std::string(trim(std::string_view(out.reason).substr((*w)[2].size())));
        }
        if (out.reason.size() > k_max_reason) return problem("the reason is longer than " + std::to_string(k_max_reason) + " bytes");
        return std::optional<Command>{std::move(out)};
    }
    if (verb == "revoke") {
        if (w->size() > 2) return problem("revoke takes nothing more");
        Command out;
        out.kind = CommandKind::Revoke;
        return std::optional<Command>{std::move(out)};
    }
    if (verb == "exempt") {
        auto exempt = parse_exempt(*w);
        if (!exempt) return exempt.error();
        return std::optional<Command>{std::move(*exempt)};
    }
    return problem("unknown command '" + verb.substr(0, 64) + "'");
}

}  // namespace pgfence::serve
