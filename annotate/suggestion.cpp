#include "annotate/suggestion.hpp"

#include <algorithm>

#include "analyze/parse/source_text.hpp"
#include "annotate/escape.hpp"
#include "annotate/sarif.hpp"

namespace pgfence::annotate {
namespace {

constexpr std::string_view k_marker_open = "<!-- pgfence:suggestion ";
constexpr std::string_view k_marker_close = " -->";
constexpr std::size_t k_key_digits = 32;

bool is_key(std::string_view text) {
    return text.size() == k_key_digits && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

std::string suggestion_key(std::string_view rule, std::string_view path, std::string_view statement_sql, int subcommand,
                           int occurrence) {
    std::string key = "pgfence/suggestion/v1";
    std::string folded = analyze::fold_whitespace(statement_sql);
    for (std::string_view part : {rule, path, std::string_view(folded)}) {
        key.append(1, '\0').append(part);
    }
    key.append(1, '\0').append(std::to_string(subcommand)).append(1, '\0').append(std::to_string(occurrence));
    return stable_hash(key);
}

std::string suggestion_marker(std::string_view key) {
    return std::string(k_marker_open) + std::string(key) + std::string(k_marker_close);
}

std::string suggestion_comment(const SuggestionText& s) {
    std::string body = md_code_span(s.rule) + " · **" + std::string(analyze::risk_name(s.risk)) + "** · " +
                       md_text(s.label) + ": " + md_text(s.fix) + "\n\n";
    body += md_code_block(s.replacement, "suggestion");
    body += suggestion_marker(s.key) + "\n";
    return body;
}

std::string suggestion_key_of(std::string_view body) {
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    std::size_t newline = body.rfind('\n');
    std::string_view last = newline == std::string_view::npos ? body : body.substr(newline + 1);
    if (!last.starts_with(k_marker_open) || !last.ends_with(k_marker_close)) return {};
    std::string_view key = last.substr(k_marker_open.size(), last.size() - k_marker_open.size() - k_marker_close.size());
    return is_key(key) ? std::string(key) : std::string();
}

std::string suggestion_review_body(std::string_view title, std::size_t count) {
    std::string what = count == 1 ? "a change" : std::to_string(count) + " changes";
    return "**" + std::string(title) + "** suggests " + what +
           " to commit from the comments below. Each was applied to the file at this commit and the file "
           "analysed again: its finding is gone and nothing of MEDIUM risk or more took its place. The rest of "
           "the review is in pgfence's comment and check run.\n";
}

}  // namespace pgfence::annotate
