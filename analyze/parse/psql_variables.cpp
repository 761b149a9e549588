#include "analyze/parse/psql_variables.hpp"

namespace pgfence::analyze {
namespace {

// psqlscan.l: variable_char [A-Za-z\200-\377_0-9]
bool variable_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
}

// An identifier's characters, '$' included (PostgreSQL's ident_cont).
bool ident_char(char c) { return variable_char(c) || c == '$'; }

std::size_t skip_quoted(std::string_view t, std::size_t i, char q, bool backslashes) {
    for (++i; i < t.size(); ++i) {
        if (backslashes && t[i] == '\\') {
            ++i;
        } else if (t[i] == q) {
            if (i + 1 < t.size() && t[i + 1] == q) {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return t.size();
}

}  // namespace

std::vector<PsqlVariableUse> psql_variable_uses(std::string_view t) {
    std::vector<PsqlVariableUse> out;
    std::size_t i = 0;
    while (i < t.size()) {
        const char c = t[i];
        if (c == '-' && i + 1 < t.size() && t[i + 1] == '-') {
            const std::size_t nl = t.find('\n', i);
            i = nl == std::string_view::npos ? t.size() : nl + 1;
        } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
            int depth = 1;
            for (i += 2; i < t.size() && depth > 0;) {
                if (t.compare(i, 2, "/*") == 0) ++depth, i += 2;
                else if (t.compare(i, 2, "*/") == 0) --depth, i += 2;
                else ++i;
            }
        } else if (c == '\'') {
            // E'...' takes backslash escapes (the E was read as a word's last letter just before).
            const bool escaped = i > 0 && (t[i - 1] == 'E' || t[i - 1] == 'e') && (i < 2 || !ident_char(t[i - 2]));
            i = skip_quoted(t, i, '\'', escaped);
        } else if (c == '"') {
            i = skip_quoted(t, i, '"', false);
        } else if (c == '$') {
            // A dollar quote $tag$ ... $tag$ ($1 is a parameter).
            std::size_t end = i + 1;
            while (end < t.size() && variable_char(t[end]) && !(end == i + 1 && t[end] >= '0' && t[end] <= '9')) ++end;
            if (end < t.size() && t[end] == '$' && !(i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '9')) {
                const std::string_view tag = t.substr(i, end - i + 1);
                const std::size_t close = t.find(tag, end + 1);
                i = close == std::string_view::npos ? t.size() : close + tag.size();
            } else {
                ++i;
            }
        } else if (ident_char(c)) {
            while (i < t.size() && ident_char(t[i])) ++i;
        } else if (c == '\\') {
            const std::size_t nl = t.find('\n', i);
            i = nl == std::string_view::npos ? t.size() : nl + 1;
        } else if (c == ':' && i + 1 < t.size() && t[i + 1] == ':') {
            i += 2;
        } else if (c == ':' && i + 1 < t.size()) {
            const char q = t[i + 1];
            std::size_t start = i + 1, end = start;
            if (q == '\'' || q == '"') ++start, end = start;
            while (end < t.size() && variable_char(t[end])) ++end;
            const bool closed = q != '\'' && q != '"' ? end > start : end > start && end < t.size() && t[end] == q;
            const std::string_view name = t.substr(start, end - start);
            const bool digits = name.find_first_not_of("0123456789") == std::string_view::npos;
            if (closed && !digits) {
                const std::size_t past = q == '\'' || q == '"' ? end + 1 : end;
                out.push_back(PsqlVariableUse{i, std::string(name), std::string(t.substr(i, past - i))});
                i = past;
            } else {
                ++i;
            }
        } else {
            ++i;
        }
    }
    return out;
}

}  // namespace pgfence::analyze
