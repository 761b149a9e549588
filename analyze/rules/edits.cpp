#include "analyze/rules/edits.hpp"

#include "analyze/tokens.hpp"

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
    if (stmt == nullptr || stmt->relation == nullptr || stmt->relation->location < 0) return {};
    std::vector<Token> list;  // from the table's name on, comments left out
    Tokenizer tokens(sql, static_cast<std::size_t>(stmt->relation->location));
    for (Token t; tokens.next(t);) {
        if (!t.is_comment()) list.push_back(t);
    }
    auto is_name = [](const Token& t) { return t.kind == TokenKind::Word || t.kind == TokenKind::QuotedIdent; };
    std::size_t i = 0;
    // name [. name [. name]] [*]
    if (list.empty() || !is_name(list[0])) return {};
    for (i = 1; i + 1 < list.size() && list[i].is_symbol(sql, '.') && is_name(list[i + 1]);) i += 2;
    if (i < list.size() && list[i].is_symbol(sql, '*')) ++i;
    std::vector<Range> out;
    Range current;
    int depth = 0;
    for (; i < list.size(); ++i) {
        const Token& t = list[i];
        if (depth == 0 && t.is_symbol(sql, ',')) {
            if (!current.found()) return {};
            out.push_back(current);
            current = Range{};
            continue;
        }
        if (t.is_symbol(sql, '(') || t.is_symbol(sql, '[')) ++depth;
        else if ((t.is_symbol(sql, ')') || t.is_symbol(sql, ']')) && depth > 0) --depth;
        if (!current.found()) current.begin = t.begin;
        current.end = t.end;
    }
    if (current.found()) out.push_back(current);
    if (out.size() != static_cast<std::size_t>(pg::length(stmt->cmds))) return {};
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
