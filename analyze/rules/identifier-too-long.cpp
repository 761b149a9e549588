#include <cctype>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_max_identifier = 63;  // NAMEDATALEN - 1, in bytes

// Identifiers of the statement's text longer than PostgreSQL keeps: the parser has already
// cut them in the tree, so the text is read (strings, comments and dollar quotes skipped).
std::vector<std::string> long_identifiers(std::string_view sql) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '\'') {
            for (++i; i < sql.size(); ++i) {
                if (sql[i] == '\'' && !(i + 1 < sql.size() && sql[i + 1] == '\'')) break;
                if (sql[i] == '\'') ++i;
            }
            ++i;
        } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
            auto close = sql.find('$', i + 1);
            if (close == std::string_view::npos) { ++i; continue; }
            std::string_view tag = sql.substr(i, close - i + 1);
            bool is_tag = true;
            for (char t : tag.substr(1, tag.size() - 2)) is_tag = is_tag && (std::isalnum(static_cast<unsigned char>(t)) || t == '_');
            if (!is_tag || (tag.size() > 2 && std::isdigit(static_cast<unsigned char>(tag[1])))) { ++i; continue; }
            auto end = sql.find(tag, close + 1);
            i = end == std::string_view::npos ? sql.size() : end + tag.size();
        } else if (c == '"') {
            std::string name;
            for (++i; i < sql.size(); ++i) {
                if (sql[i] == '"') {
                    if (i + 1 < sql.size() && sql[i + 1] == '"') { name += '"'; ++i; continue; }
                    break;
                }
                name += sql[i];
            }
            ++i;
            if (name.size() > k_max_identifier) out.push_back(name);
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
            std::size_t start = i;
            while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$' ||
                                      static_cast<unsigned char>(sql[i]) >= 0x80)) {
                ++i;
            }
            if (i - start > k_max_identifier) out.emplace_back(sql.substr(start, i - start));
        } else {
            ++i;
        }
    }
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.statement.status != StatementStatus::Analyzed && ctx.statement.status != StatementStatus::Unknown) return;
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
