#pragma once
// Line-wise reading of settings files (compose, dotenv, Gradle and Maven build files): the text's
// lines with their 1-based numbers, and a value with the blanks around it cut.
#include <cstddef>
#include <string_view>

namespace pgfence::analyze {

// `s` without the spaces and tabs before it, nor the spaces, tabs and carriage return after it.
[[nodiscard]] inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Calls `each(n, line)` with each line of `text` (split at '\n') and its 1-based number.
template <typename F>
void each_line(std::string_view text, F each) {
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        const std::size_t nl = text.find('\n', at);
        each(n, text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
}

// Calls `each(n, indent, body)` for each line of a YAML file that holds something: its number,
// the blanks before it and the rest, trimmed; blank lines and comment lines (`#` first) left out.
template <typename F>
void each_yaml_line(std::string_view text, F each) {
    each_line(text, [&](int n, std::string_view raw) {
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        const std::string_view body = trim_blanks(raw.substr(indent));
        if (!body.empty() && body.front() != '#') each(n, indent, body);
    });
}

}  // namespace pgfence::analyze
