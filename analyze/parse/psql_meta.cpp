#include "analyze/parse/psql_meta.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {

bool psql_meta_command_harmless(std::string_view name) {
    // psql's meta-commands that print or set psql's own state (PostgreSQL's doc/src/sgml/ref/psql-ref.sgml).
    static constexpr std::array<std::string_view, 10> k_harmless = {"set",  "unset", "echo",     "qecho",    "warn",
                                                                     "pset", "timing", "encoding", "restrict", "unrestrict"};
    return std::find(k_harmless.begin(), k_harmless.end(), name) != k_harmless.end();
}

bool has_unfollowed_psql_meta_command(std::string_view text) {
    if (text.find('\\') == std::string_view::npos) return false;
    // As without_psql_meta_commands (splitter.cpp) finds them: a backslash outside quotes and
    // comments starts one that runs to the end of its line.
    Tokenizer tokens(text);
    Token t;
    while (tokens.next(t)) {
        if (t.kind != TokenKind::Symbol || text[t.begin] != '\\') continue;
        std::size_t line_end = text.find('\n', t.begin);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::size_t name_end = t.begin + 1;
        while (name_end < line_end && (std::isalpha(static_cast<unsigned char>(text[name_end])) != 0 || text[name_end] == '_')) ++name_end;
        const std::string_view name = text.substr(t.begin + 1, name_end - t.begin - 1);
        if (!psql_meta_command_harmless(name)) return true;
        tokens = Tokenizer(text, line_end);
    }
    return false;
}

}  // namespace pgfence::analyze
