#pragma once
// What a statement the lock model could not follow may have done to the schema, read from its SQL
// text: only one that may have made or renamed relations, or changed what the catalog keeps of
// them (row security, partitions), leaves the catalog unsure (Catalog::mark_unknown), so that a
// CREATE TABLE IF NOT EXISTS after it judges its table as one that may exist already
// (analyze/model/create.cpp).
#include <cctype>
#include <string>
#include <string_view>

namespace pgfence::analyze::model {

// May the SQL `text` make a relation, bring one under a new name, or change its row security or
// partitions? True when it spells any of CREATE, INTO (SELECT INTO), RENAME, SCHEMA (SET SCHEMA),
// CALL, IMPORT (IMPORT FOREIGN SCHEMA), SECURITY, POLICY, FORCE, ATTACH or INHERIT, or names a
// function it calls (`word(`) other than a few of PostgreSQL's that run no SQL: a function may run
// anything. DSpace's DO block that EXECUTEs 'ALTER TABLE registrationdata DROP CONSTRAINT IF
// EXISTS ' || QUOTE_IDENT((SELECT ...)) spells none: it drops a constraint. Text built from pieces
// that spell none of them ('CRE' || 'ATE') is not seen: the statement is reported unknown all the same.
[[nodiscard]] inline bool unknown_may_create(std::string_view text) {
    static constexpr std::string_view k_words[] = {"create", "into",   "rename", "schema", "call",   "import",
                                                   "security", "policy", "force", "attach", "inherit"};
    static constexpr std::string_view k_quiet_functions[] = {"quote_ident", "quote_literal", "quote_nullable", "format",
                                                             "concat", "lower", "upper", "coalesce", "current_setting"};
    std::string word;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : ' ';
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            continue;
        }
        if (word.empty()) continue;
        for (std::string_view w : k_words) {
            if (word == w) return true;
        }
        std::size_t next = i;
        while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
        if (next < text.size() && text[next] == '(' && !std::isdigit(static_cast<unsigned char>(word[0]))) {
            bool quiet = false;
            for (std::string_view f : k_quiet_functions) quiet = quiet || word == f;
            // SQL's own words before a parenthesis (IN (, EXISTS (, VALUES (, AND (...) call nothing.
            static constexpr std::string_view k_keywords[] = {"in", "exists", "values", "and", "or", "not", "select",
                                                              "where", "from", "on", "using", "as", "any", "all",
                                                              "table", "key", "check", "unique", "references",
                                                              "execute", "if", "then", "else", "when", "case", "begin",
                                                              "end", "exception", "return", "perform", "loop", "by"};
            for (std::string_view k : k_keywords) quiet = quiet || word == k;
            if (!quiet) return true;
        }
        word.clear();
    }
    return false;
}

}  // namespace pgfence::analyze::model
