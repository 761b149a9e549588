#include "analyze/plan/plan_comments.hpp"

#include <cstddef>
#include <vector>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::plan_comments {
namespace {

// Each search is std::string_view::find, at worst the needle's size times the text's: the sum of
// those is capped, so a statement of many comments stays linear in its size times this bound.
constexpr std::size_t k_most_work = std::size_t{1} << 26;

}  // namespace

std::string lost_comment(std::string_view original, std::string_view rebuilt) {
    std::vector<Token> tokens;
    Tokenizer tokenizer(original);
    for (Token t; tokenizer.next(t);) tokens.push_back(t);
    std::size_t first = tokens.size(), last = 0;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        if (tokens[k].is_comment()) continue;
        if (first == tokens.size()) first = k;
        last = k;
    }
    std::size_t work = 0;
    for (std::size_t k = first + 1; k < last; ++k) {
        const Token& t = tokens[k];
        if (!t.is_comment()) continue;
        std::string_view needle;
        if (t.kind == TokenKind::BlockComment) {
            // Between the tokens either side: a marker is substituted where it stands.
            needle = original.substr(tokens[k - 1].begin, tokens[k + 1].end - tokens[k - 1].begin);
        } else {
            needle = original.substr(t.begin, t.end - t.begin);
            while (!needle.empty() && (needle.back() == '\n' || needle.back() == '\r')) needle.remove_suffix(1);
        }
        work += needle.size() * (rebuilt.size() + 1);
        if (work > k_most_work || rebuilt.find(needle) == std::string_view::npos) {
            return std::string(original.substr(t.begin, t.end - t.begin));
        }
    }
    return "";
}

std::string lost_comment_decline(int line, std::string_view comment) {
    std::string shown(comment.substr(0, 80));
    while (!shown.empty() && (shown.back() == '\n' || shown.back() == '\r')) shown.pop_back();
    for (char& c : shown) {
        if (c == '`' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return "line " + std::to_string(line) + ": the statement holds a comment (`" + shown + (comment.size() > 80 ? "..." : "") +
           "`) that the tool may substitute (a schema marker, as River's `/* TEMPLATE: schema */`), and its safe form is "
           "built again without it; pgfence does not rebuild it: make this change by hand, keeping the comment where it is";
}

}  // namespace pgfence::analyze::plan_comments
