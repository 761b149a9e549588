#include "analyze/parse/alter_clauses.hpp"

#include "analyze/parse/pg_tree.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {

std::vector<AlterClause> alter_clauses(std::string_view sql, const AlterTableStmt* stmt) {
    if (stmt == nullptr || stmt->relation == nullptr || stmt->relation->location < 0) return {};
    auto from = static_cast<std::size_t>(stmt->relation->location);
    if (from >= sql.size()) return {};
    std::vector<Token> tokens;
    Tokenizer tokenizer(sql, from);
    for (Token t; tokenizer.next(t);) tokens.push_back(t);

    // The head: the relation's name, dotted parts and all, and the '*' of `name *`.
    std::size_t i = 0;
    auto next_code = [&](std::size_t at) {
        while (at < tokens.size() && tokens[at].is_comment()) ++at;
        return at;
    };
    auto is_name = [&](std::size_t at) {
        return at < tokens.size() && (tokens[at].kind == TokenKind::Word || tokens[at].kind == TokenKind::QuotedIdent);
    };
    if (!is_name(i)) return {};
    ++i;
    for (std::size_t dot = next_code(i); dot < tokens.size() && tokens[dot].is_symbol(sql, '.');) {
        std::size_t part = next_code(dot + 1);
        if (!is_name(part)) return {};
        i = part + 1;
        dot = next_code(i);
    }
    if (std::size_t star = next_code(i); star < tokens.size() && tokens[star].is_symbol(sql, '*')) i = star + 1;

    std::vector<AlterClause> out;
    AlterClause clause;
    clause.begin = tokens[i - 1].end;
    bool empty = true;
    int depth = 0;
    auto close = [&](std::size_t end) {
        clause.end = end;
        out.push_back(clause);
        clause = AlterClause{};
    };
    for (; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        if (t.is_comment()) continue;
        if (t.kind == TokenKind::Symbol) {
            char c = sql[t.begin];
            if (c == '(' || c == '[') ++depth;
            if ((c == ')' || c == ']') && --depth < 0) return {};
            if (depth == 0 && (c == ',' || c == ';')) {
                if (empty) return {};
                close(t.begin);
                empty = true;
                if (c == ';') break;
                clause.begin = t.end;
                continue;
            }
        }
        if (empty) clause.first = t.begin;
        empty = false;
        // The last character's first byte: a position counts characters, not bytes.
        std::size_t last = t.end - 1;
        while (last > t.begin && (static_cast<unsigned char>(sql[last]) & 0xC0) == 0x80) --last;
        clause.last = last;
    }
    if (!empty) close(sql.size());
    if (static_cast<int>(out.size()) != pg::length(stmt->cmds)) return {};
    return out;
}

}  // namespace pgfence::analyze
