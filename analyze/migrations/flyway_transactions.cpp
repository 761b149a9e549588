#include "analyze/migrations/flyway_transactions.hpp"

#include "analyze/base/ascii.hpp"
#include "analyze/migrations/flyway_settings.hpp"

#include <cctype>
#include <optional>
#include <regex>
#include <string>

namespace pgfence::analyze::tools {
namespace {

bool letter(unsigned char c) { return std::isalpha(c) || c >= 0x80; }  // Character.isLetter, UTF-8 bytes
bool keyword_part(unsigned char c) { return letter(c) || std::isdigit(c) || c == '_' || c == '$'; }

// The first words Flyway's Parser.readToken reads as KEYWORD tokens at parenthesis depth 0 (at
// most `cutoff`), upper-cased; each call of `each` gets the simplified statement so far and
// stops the walk by returning true.
template <class Each>
void simplified_prefixes(std::string_view s, std::size_t cutoff, Each each) {
    std::string simplified;
    std::size_t words = 0;
    int depth = 0;
    std::size_t i = 0;
    auto skip_quoted = [&](char quote, bool backslash) {
        for (++i; i < s.size(); ++i) {
            if (backslash && s[i] == '\\') {
                ++i;
            } else if (s[i] == quote) {
                if (i + 1 < s.size() && s[i + 1] == quote) {
                    ++i;
                } else {
                    ++i;
                    return;
                }
            }
        }
    };
    while (i < s.size() && words < cutoff) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '$') {  // PostgreSQLParser.handleAlternativeStringLiteral: $tag$ ... $tag$
            std::size_t close = s.find('$', i + 1);
            if (close == std::string_view::npos) return;
            std::string_view tag = s.substr(i, close - i + 1);
            std::size_t end = s.find(tag, close + 1);
            if (end == std::string_view::npos) return;
            i = end + tag.size();
        } else if (c == '\'') {
            skip_quoted('\'', false);
        } else if (c == '(') {
            ++depth;
            ++i;
        } else if (c == ')') {
            --depth;
            ++i;
        } else if (c == '"') {
            skip_quoted('"', false);
            // an identifier, whatever follows it (a.b parts included)
            while (i < s.size() && (s[i] == '.' || s[i] == '"' || keyword_part(static_cast<unsigned char>(s[i])))) {
                if (s[i] == '"') {
                    skip_quoted('"', false);
                } else {
                    ++i;
                }
            }
        } else if (s.substr(i, 2) == "--") {
            std::size_t nl = s.find_first_of("\r\n", i);
            i = nl == std::string_view::npos ? s.size() : nl;
        } else if (s.substr(i, 2) == "/*") {
            int nested = 0;
            for (i += 2; i < s.size(); ++i) {
                if (s.substr(i, 2) == "/*") {
                    ++nested;
                    ++i;
                } else if (s.substr(i, 2) == "*/") {
                    ++i;
                    if (nested-- == 0) {
                        ++i;
                        break;
                    }
                }
            }
        } else if (std::isdigit(c)) {
            while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        } else if ((c == 'E' || c == 'e' || c == 'B' || c == 'b' || c == 'X' || c == 'x') && i + 1 < s.size() && s[i + 1] == '\'') {
            ++i;
            skip_quoted('\'', c == 'E' || c == 'e');
        } else if ((c == 'U' || c == 'u') && s.substr(i + 1, 2) == "&'") {
            i += 2;
            skip_quoted('\'', false);
        } else if (letter(c) || c == '_') {
            std::size_t start = i;
            while (i < s.size() && keyword_part(static_cast<unsigned char>(s[i]))) ++i;
            bool word = true;
            while (i < s.size() && s[i] == '.') {  // readAdditionalIdentifierParts: schema.name
                word = false;
                ++i;
                if (i < s.size() && s[i] == '"') {
                    skip_quoted('"', false);
                } else {
                    while (i < s.size() && keyword_part(static_cast<unsigned char>(s[i]))) ++i;
                }
            }
            std::string_view text = s.substr(start, i - start);
            for (unsigned char t : text) word = word && (letter(t) || t == '_');  // Parser.isKeyword
            if (word && depth == 0) {
                ++words;
                if (!simplified.empty()) simplified += ' ';
                for (unsigned char t : text) simplified += static_cast<char>(std::toupper(t));
                if (each(simplified)) return;
            }
        } else {
            ++i;
        }
    }
}

}  // namespace

FlywayTransactionSettings flyway_transaction_settings(std::string_view sibling_metadata) {
    FlywayTransactionSettings out;
    std::optional<FlywaySettings> settings = unpack_flyway_files(sibling_metadata);
    if (!settings) return out;
    if (settings->script && settings->script->transaction.has_value()) out.decides = false;
    bool no_transaction = false;
    bool some_transaction = false;
    for (const SettingLine& l : settings->lines) {
        const std::string key = lowered(l.key);
        const std::string value = lowered(l.value);
        if (key == "flyway.mixed" && value == "true") out.mixed = true;  // Boolean.parseBoolean
        if (key == "flyway.executeintransaction") (value == "false" ? no_transaction : some_transaction) = true;
    }
    if (out.decides && no_transaction && !some_transaction) {
        out.decides = false;
        out.none = true;
    }
    return out;
}

bool flyway_runs_in_transaction(std::string_view statement, int pg_version) {
    // PostgreSQLParser's patterns (flyway-core 8.5.13 internal/database/postgresql/PostgreSQLParser.java
    // lines 31-37, the same in flyway-database-postgresql of Flyway 10 and 11), matched whole.
    static const std::regex k_never(
        "(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)|ALTER SYSTEM|(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY|"
        "REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)|VACUUM|DISCARD ALL");
    static const std::regex k_add_value("ALTER TYPE( .*)? ADD VALUE");
    bool can = true;
    // Parser.getTransactionalDetectionCutoff: 10 words.
    simplified_prefixes(statement, 10, [&](const std::string& simplified) {
        if (std::regex_match(simplified, k_never) || (pg_version < 12 && std::regex_match(simplified, k_add_value))) {
            can = false;
            return true;
        }
        return false;
    });
    return can;
}

}  // namespace pgfence::analyze::tools
