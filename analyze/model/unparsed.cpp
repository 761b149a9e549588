#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::model {
namespace {

// The statement's tokens without comments, as far as the name of what it creates.
class Reader {
public:
    explicit Reader(std::string_view sql) : m_sql(sql), m_tokens(sql) { advance(); }

    // Consumes the keyword (upper case) when it is next.
    bool keyword(std::string_view kw) {
        if (!m_has || m_token.kind != TokenKind::Word || m_token.end - m_token.begin != kw.size()) return false;
        for (std::size_t i = 0; i < kw.size(); ++i) {
            char c = m_sql[m_token.begin + i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            if (c != kw[i]) return false;
        }
        advance();
        return true;
    }
    // Consumes one identifier: folded to lower case when unquoted, as PostgreSQL's scanner does.
    bool identifier(std::string& out) {
        if (!m_has) return false;
        std::string_view text = m_sql.substr(m_token.begin, m_token.end - m_token.begin);
        if (m_token.kind == TokenKind::QuotedIdent && !m_token.unterminated && text.size() >= 2) {
            out.clear();
            for (std::size_t i = 1; i + 1 < text.size(); ++i) {
                out += text[i];
                if (text[i] == '"') ++i;  // "" stands for one quote
            }
        } else if (m_token.kind == TokenKind::Word) {
            out.clear();
            for (char c : text) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        } else {
            return false;
        }
        advance();
        return true;
    }
    // A possibly qualified name: [database.][schema.]name; its parts, or none.
    std::vector<std::string> qualified_name() {
        std::vector<std::string> parts;
        std::string part;
        if (!identifier(part)) return parts;
        parts.push_back(part);
        while (m_has && m_token.is_symbol(m_sql, '.')) {
            advance();
            if (!identifier(part)) return {};
            parts.push_back(part);
        }
        return parts;
    }

private:
    void advance() {
        do {
            m_has = m_tokens.next(m_token);
        } while (m_has && m_token.is_comment());
    }

    std::string_view m_sql;
    Tokenizer m_tokens;
    Token m_token;
    bool m_has = false;
};

std::string display_of_parts(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ".") + quote_ident(p);
    return out;
}

}  // namespace

void register_unparsed_create(std::string_view sql, StatementFacts& facts, Context& ctx) {
    Reader r(sql);
    if (!r.keyword("CREATE")) return;
    if (r.keyword("OR") && !r.keyword("REPLACE")) return;
    while (r.keyword("TEMP") || r.keyword("TEMPORARY") || r.keyword("UNLOGGED") || r.keyword("GLOBAL") ||
           r.keyword("LOCAL") || r.keyword("RECURSIVE")) {
    }
    std::string kind;
    std::vector<std::string> name;
    std::vector<std::string> table;  // an index's table
    if (r.keyword("TABLE")) {
        kind = "table";
    } else if (r.keyword("MATERIALIZED")) {
        if (!r.keyword("VIEW")) return;
        kind = "materialized view";
    } else if (r.keyword("VIEW")) {
        kind = "view";
    } else {
        r.keyword("UNIQUE");
        if (!r.keyword("INDEX")) return;
        kind = "index";
        r.keyword("CONCURRENTLY");
    }
    bool if_not_exists = r.keyword("IF") && r.keyword("NOT") && r.keyword("EXISTS");
    if (kind == "index") {
        if (r.keyword("ON")) return;  // no name: PostgreSQL chooses one
        name = r.qualified_name();
        if (!r.keyword("ON")) return;
        r.keyword("ONLY");
        table = r.qualified_name();
        if (table.empty()) return;
    } else {
        name = r.qualified_name();
    }
    if (name.empty()) return;
    const std::string& relname = name.back();
    if (std::as_const(ctx.catalog).find(relname) != nullptr) return;  // known already: the text changes nothing
    RelationInfo& info = ctx.catalog.add(relname, display_of_parts(name), kind);
    mark_new(ctx, info);
    if (!table.empty()) info.index_table = table.back();
    facts.notes.push_back(display_of_parts(name) + " is taken as a new " + kind + " from the statement's text" +
                          (if_not_exists ? " (IF NOT EXISTS: unless it exists already)" : "") +
                          ", so that later statements on it are read as on a new relation");
}

}  // namespace pgfence::analyze::model
