#include "analyze/model/plpgsql/plpgsql_overwrite.hpp"

#include <cctype>

#include "analyze/parse/json_access.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/plpgsql/plpgsql_trigger_body.hpp"

namespace pgfence::analyze {

namespace {

std::string trimmed(std::string_view text) {
    std::size_t a = 0, b = text.size();
    while (a < b && std::isspace(static_cast<unsigned char>(text[a])) != 0) ++a;
    while (b > a && (std::isspace(static_cast<unsigned char>(text[b - 1])) != 0 || text[b - 1] == ';')) --b;
    return std::string(text.substr(a, b - a));
}

std::string upper(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// A constant that is not a boolean: NULL, a number, a quoted string, each perhaps with a ::type cast.
bool plain_constant(std::string value) {
    if (const std::size_t cast = value.find("::"); cast != std::string::npos && value.find('\'', cast) == std::string::npos) {
        value = trimmed(value.substr(0, cast));
    }
    if (value.empty()) return false;
    if (upper(value) == "NULL") return true;
    if (value.front() == '\'') {
        // One quoted string: its closing quote is the last character, and no quote is left open.
        if (value.size() < 2 || value.back() != '\'') return false;
        for (std::size_t i = 1; i + 1 < value.size(); ++i) {
            if (value[i] != '\'') continue;
            if (value[i + 1] != '\'') return false;
            ++i;
        }
        return true;
    }
    std::size_t i = value.front() == '-' || value.front() == '+' ? 1 : 0;
    if (i == value.size()) return false;
    bool digit = false;
    for (; i < value.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(value[i])) != 0) digit = true;
        else if (value[i] != '.') return false;
    }
    return digit;
}

// "NEW.col := 0" (or "=") split at its assignment: the target and the value.
bool split_assignment(const std::string& query, std::string& target, std::string& value) {
    std::size_t at = query.find(":=");
    std::size_t width = 2;
    if (at == std::string::npos) {
        at = query.find('=');
        width = 1;
    }
    if (at == std::string::npos) return false;
    target = upper(trimmed(query.substr(0, at)));
    value = trimmed(query.substr(at + width));
    return true;
}

}  // namespace

const Node* trigger_body_statements(std::string_view body, ParsedStatement& parsed) {
    std::size_t end = body.size();
    while (end > 0 && (std::isspace(static_cast<unsigned char>(body[end - 1])) != 0 || body[end - 1] == ';')) --end;
    std::string inner(body.substr(0, end));
    std::string tag = "$pgfence$";
    while (inner.find(tag) != std::string::npos) tag.insert(tag.size() - 1, "_");
    parsed = parse_plpgsql_function(
        "CREATE FUNCTION pgfence_trigger() RETURNS record LANGUAGE plpgsql AS " + tag +
        "DECLARE new record; old record; tg_name name; tg_when text; tg_level text; tg_op text; tg_relid oid; "
        "tg_relname name; tg_table_name name; tg_table_schema name; tg_nargs integer; tg_argv text[];\nBEGIN\n" + inner +
        ";\nEND" + tag);
    if (parsed.failure) return nullptr;
    const Node& outer = member(member(member(parsed.node, "PLpgSQL_function"), "action"), "PLpgSQL_stmt_block");
    const Node& statements = member(outer, "body");
    if (!statements.is_array() || statements.size() != 1) return nullptr;
    const Node& block = member(statements[0], "PLpgSQL_stmt_block");
    if (block.contains("exceptions")) return nullptr;
    return &member(block, "body");
}

std::vector<std::string> body_top_level_sql(std::string_view body) {
    std::vector<std::string> out;
    ParsedStatement parsed;
    const Node* statements = trigger_body_statements(body, parsed);
    if (statements == nullptr) return out;
    for (const auto& stmt : *statements) {
        if (!stmt.contains("PLpgSQL_stmt_execsql")) continue;
        out.push_back(member(member(stmt["PLpgSQL_stmt_execsql"], "sqlstmt"), "PLpgSQL_expr").value("query", std::string()));
    }
    return out;
}

std::vector<std::string> trigger_overwrites_new(std::string_view body) {
    std::vector<std::string> out;
    ParsedStatement parsed;
    const Node* statements = trigger_body_statements(body, parsed);
    if (statements == nullptr) return out;
    for (const auto& stmt : *statements) {
        if (stmt.contains("PLpgSQL_stmt_return")) break;
        if (!stmt.contains("PLpgSQL_stmt_assign")) continue;
        const std::string query =
            member(member(stmt["PLpgSQL_stmt_assign"], "expr"), "PLpgSQL_expr").value("query", std::string());
        std::string target, value;
        if (!split_assignment(query, target, value)) continue;
        const bool whole_row = target == "NEW" && upper(value) == "OLD";
        const bool column = target.starts_with("NEW.") && target.find('.', 4) == std::string::npos && plain_constant(value);
        if (whole_row || column) out.push_back(trimmed(query));
    }
    return out;
}

}  // namespace pgfence::analyze
