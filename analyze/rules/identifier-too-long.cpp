#include <array>
#include <cstring>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_max_identifier = 63;  // NAMEDATALEN - 1, in bytes

constexpr std::array<bool, 256> k_identifier_bytes = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                         c == '_' || c == '$' || c >= 0x80;
    }
    return t;
}();

bool identifier_byte(char c) { return k_identifier_bytes[static_cast<unsigned char>(c)]; }

// Whether the text could hold a too-long identifier at all, without tokenizing it: a word of
// more than 63 bytes, or a quoted identifier, whose bytes lie between two quote characters
// (more than 63 apart, or with "" inside). Most statements have neither and are done here.
bool may_hold_long_identifier(std::string_view sql) {
    const char* base = sql.data();
    std::size_t last_quote = std::string_view::npos;
    for (const char* q = base; (q = static_cast<const char*>(std::memchr(q, '"', sql.size() - static_cast<std::size_t>(q - base))));
         ++q) {
        std::size_t i = static_cast<std::size_t>(q - base);
        if (last_quote != std::string_view::npos && (i - last_quote > k_max_identifier || i - last_quote == 1)) return true;
        last_quote = i;
    }
    // A run of 64 or more word bytes covers one of every 64 positions: only those are looked at,
    // and the run through each is measured.
    constexpr std::size_t step = k_max_identifier + 1;
    for (std::size_t at = k_max_identifier; at < sql.size(); at += step) {
        if (!identifier_byte(sql[at])) continue;
        std::size_t begin = at, end = at + 1;
        while (begin > 0 && identifier_byte(sql[begin - 1])) --begin;
        while (end < sql.size() && identifier_byte(sql[end])) ++end;
        if (end - begin > k_max_identifier) return true;
    }
    return false;
}

// Identifiers of the statement's text longer than PostgreSQL keeps: the parser has already
// cut them in the tree, so the text is read (strings, comments and dollar quotes skipped).
std::vector<std::string> long_identifiers(std::string_view sql) {
    std::vector<std::string> out;
    if (!may_hold_long_identifier(sql)) return out;
    Tokenizer tokens(sql);
    for (Token t; tokens.next(t);) {
        if (t.kind == TokenKind::Word && t.end - t.begin > k_max_identifier) {
            out.emplace_back(sql.substr(t.begin, t.end - t.begin));
        } else if (t.kind == TokenKind::QuotedIdent) {
            std::string name;
            std::size_t close = t.unterminated ? t.end : t.end - 1;
            for (std::size_t i = t.begin + 1; i < close; ++i) {
                name += sql[i];
                if (sql[i] == '"') ++i;  // "" stands for one "
            }
            if (name.size() > k_max_identifier) out.push_back(name);
        }
    }
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.statement.status != StatementStatus::Analyzed && ctx.statement.status != StatementStatus::Unknown) return;
    // An unknown statement that is not SQL the parser read (a package.json script line, a shell
    // command, an ORM call) has no identifiers to cut.
    if (ctx.statement.status == StatementStatus::Unknown && ctx.statement.kind.empty()) return;
    for (const auto& name : long_identifiers(ctx.statement.sql)) {
        std::string kept = name.substr(0, k_max_identifier);
        while (!kept.empty() && (static_cast<unsigned char>(kept.back()) & 0xC0) == 0x80) kept.pop_back();
        Finding& f = sink.add(ctx.statement, "identifier " + name.substr(0, 30) + "... is " + std::to_string(name.size()) +
                                                 " bytes: PostgreSQL silently cuts it to the first 63 (" + kept +
                                                 "), so a later statement that spells it in full names something else");
        f.fix = "shorten it to 63 bytes or fewer";
    }
}

}  // namespace

PGFENCE_RULE(identifier_too_long) {
    return Rule{"identifier-too-long", Risk::Low, "Identifiers longer than 63 bytes are silently truncated", check,
                nullptr, true, "idempotency"};
}

}  // namespace pgfence::analyze::rules
