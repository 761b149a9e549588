#include "analyze/rules/edits.hpp"

#include "analyze/parse/alter_clauses.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::rules {

TextEdit insert_in_statement(const StatementFacts& statement, std::size_t at, std::string text, std::string label) {
    std::size_t where = statement.span.begin + at;
    return TextEdit{where, where, std::move(text), std::move(label)};
}

std::size_t after_keyword(std::string_view sql, std::size_t from, std::size_t to, std::string_view kw,
                          std::initializer_list<std::string_view> then) {
    std::size_t at = find_keyword(sql, from, to, kw);
    if (at == std::string_view::npos) return at;
    at += kw.size();
    for (std::string_view word : then) {
        Token next;
        bool found = false;
        for (Tokenizer tokens(sql, at, to); !found && tokens.next(next);) found = !next.is_comment();
        if (found && next.kind == TokenKind::Word && keyword_at(sql, next.begin, word)) at = next.end;
    }
    return at;
}

std::vector<Range> alter_subcommands(std::string_view sql, const AlterTableStmt* stmt) {
    // The one cut the findings' positions and the plan use too; from its first token to the
    // end of its last character.
    std::vector<Range> out;
    for (const AlterClause& c : alter_clauses(sql, stmt)) {
        std::size_t end = c.last + 1;
        while (end < sql.size() && (static_cast<unsigned char>(sql[end]) & 0xC0) == 0x80) ++end;
        out.push_back(Range{c.first, end});
    }
    return out;
}

std::optional<TextEdit> line_above(std::string_view text, const StatementFacts& statement, std::string_view line,
                                   std::string label) {
    std::size_t begin = statement.span.begin;
    if (begin > text.size()) return std::nullopt;
    std::size_t line_begin = 0;
    if (begin > 0) {
        std::size_t before = text.rfind('\n', begin - 1);
        if (before != std::string_view::npos) line_begin = before + 1;
    }
    std::string_view indent = text.substr(line_begin, begin - line_begin);
    if (indent.find_first_not_of(" \t") != std::string_view::npos) return std::nullopt;
    std::size_t eol = text.find('\n', begin);
    std::string_view line_break = eol != std::string_view::npos && eol > begin && text[eol - 1] == '\r' ? "\r\n" : "\n";
    return TextEdit{line_begin, line_begin, std::string(indent) + std::string(line) + std::string(line_break),
                    std::move(label)};
}

}  // namespace pgfence::analyze::rules
