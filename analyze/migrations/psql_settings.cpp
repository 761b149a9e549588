#include "analyze/migrations/psql_settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "analyze/parse/psql_variables.hpp"

namespace pgfence::analyze::tools {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// The words of a meta-command's arguments, split at blanks.
std::vector<std::string_view> words_of(std::string_view args) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < args.size()) {
        while (i < args.size() && blank(args[i])) ++i;
        const std::size_t start = i;
        while (i < args.size() && !blank(args[i])) ++i;
        if (i > start) out.push_back(args.substr(start, i - start));
    }
    return out;
}

// A plain word: letters, digits and '_' (no quote, no `:` interpolation).
bool plain_word(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

// psql_setting_only, the names `text` interpolates read once (`uses`) however many `\set` it holds.
bool setting_only(std::string_view text, const MetaCommand& m, std::optional<std::set<std::string, std::less<>>>& uses) {
    const std::size_t name_end = m.begin + 1 + m.name.size();
    if (m.name.empty() || name_end > m.end) return false;
    // psql reads a command's name on through digits and bytes past ASCII: `\timing1` is no \timing.
    if (name_end < m.end && !blank(text[name_end])) return false;
    const std::string_view args = text.substr(name_end, m.end - name_end);
    // `\\` ends the arguments and the rest of the line is SQL again (or another meta-command);
    // psql runs what stands between backquotes in a shell.
    if (args.find_first_of("\\`") != std::string_view::npos) return false;
    const std::string_view name = m.name;
    if (name == "echo" || name == "qecho" || name == "warn" || name == "pset") return true;
    const std::vector<std::string_view> words = words_of(args);
    if (name == "conninfo" || name == "encoding") return words.empty();
    if (name == "timing" || name == "x") return words.size() <= 1 && (words.empty() || plain_word(words.front()));
    if (name != "set") return false;
    if (words.empty()) return true;  // lists the variables
    // psql's own variables that only decide what it prints and whether it stops after an error;
    // their hooks take only their own words (variables.c SetVariable, startup.c *_hook).
    static constexpr std::array<std::string_view, 5> k_settings = {"ON_ERROR_STOP", "ECHO", "QUIET", "VERBOSITY", "SHOW_CONTEXT"};
    if (std::find(k_settings.begin(), k_settings.end(), words.front()) == k_settings.end()) return false;
    if (words.size() > 2 || (words.size() == 2 && !plain_word(words[1]))) return false;
    // A file that interpolates the variable reads the value this sets.
    if (!uses) {
        uses.emplace();
        for (auto& u : psql_variable_uses(text)) uses->insert(std::move(u.name));
    }
    return !uses->contains(words.front());
}

}  // namespace

bool psql_setting_only(std::string_view text, const MetaCommand& m) {
    std::optional<std::set<std::string, std::less<>>> uses;
    return setting_only(text, m, uses);
}

std::vector<std::pair<std::size_t, std::size_t>> psql_setting_lines(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::optional<std::set<std::string, std::less<>>> uses;
    each_meta_command(text, [&](const MetaCommand& m) {
        if (m.at_start && setting_only(text, m, uses)) out.emplace_back(m.begin, m.end);
        return true;
    });
    return out;
}

}  // namespace pgfence::analyze::tools
