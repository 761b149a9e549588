#include "analyze/migrations/golang_migrate_split.hpp"

#include <cctype>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::tools {
namespace {

// Go's strconv.ParseBool (src/strconv/atob.go): the only spellings it takes.
int parse_bool(std::string_view v) {
    for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
        if (v == t) return 1;
    }
    for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
        if (v == f) return 0;
    }
    return -1;
}

// Whether `migrate` is run as a command word on the line (golang-migrate's CLI).
bool runs_migrate(std::string_view l) {
    for (std::size_t at = l.find("migrate"); at != std::string_view::npos; at = l.find("migrate", at + 1)) {
        const bool start = at == 0 || l[at - 1] == ' ' || l[at - 1] == '/' || l[at - 1] == '\t' || l[at - 1] == '"' || l[at - 1] == '\'';
        const std::size_t end = at + 7;
        if (start && end < l.size() && l[end] == ' ') return true;
    }
    return false;
}

}  // namespace

std::vector<MultiStatementLine> golang_multi_statement_lines(std::string_view text) {
    std::vector<MultiStatementLine> out;
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        const std::size_t nl = text.find('\n', at);
        const std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        constexpr std::string_view k_option = "x-multi-statement=";
        bool said = false;
        for (std::size_t o = l.find(k_option); o != std::string_view::npos; o = l.find(k_option, o + 1)) {
            const std::size_t v = o + k_option.size();
            std::size_t e = v;
            while (e < l.size() && (std::isalnum(static_cast<unsigned char>(l[e])) || l[e] == '$' || l[e] == '{' || l[e] == '}' || l[e] == '_')) ++e;
            const int b = parse_bool(l.substr(v, e - v));
            out.push_back({n, b == 1 ? MultiStatementLine::State::On : b == 0 ? MultiStatementLine::State::Off : MultiStatementLine::State::Computed});
            said = true;
        }
        // `migrate -database URL` (internal/cli/main.go: the -database flag) without the option.
        if (!said && runs_migrate(l)) {
            for (std::string_view flag : {"-database", "--database"}) {
                std::size_t f = l.find(flag);
                if (f == std::string_view::npos || (f > 0 && l[f - 1] == '-')) continue;
                std::size_t v = f + flag.size();
                while (v < l.size() && (l[v] == ' ' || l[v] == '=')) ++v;
                std::size_t e = v;
                while (e < l.size() && l[e] != ' ') ++e;
                const std::string_view value = l.substr(v, e - v);
                const bool computed = value.empty() || value.find('$') != std::string_view::npos || value.find('`') != std::string_view::npos;
                out.push_back({n, computed ? MultiStatementLine::State::Computed : MultiStatementLine::State::Off});
                break;
            }
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

std::vector<ToolRefusal> golang_migrate_hidden_cuts(std::string_view text, std::size_t begin, std::size_t end, std::string_view why_on) {
    std::vector<ToolRefusal> out;
    Tokenizer tokens(text, begin, end);
    Token t;
    while (tokens.next(t)) {
        if (!t.is_opaque()) continue;
        const std::size_t semi = text.substr(0, t.end).find(';', t.begin);
        if (semi == std::string_view::npos) continue;
        const std::size_t line = text.rfind('\n', semi);
        const char* what = t.is_comment() ? "a comment" : t.kind == TokenKind::String ? "a string" : t.kind == TokenKind::DollarString ? "a dollar quote" : "a quoted identifier";
        out.emplace_back(line == std::string_view::npos ? 0 : line + 1,
                         std::string(why_on) + ": golang-migrate cuts the file at every `;`, this one inside " + what +
                             " too, and sends the text after it as a statement of its own, which pgfence reads as part of " + what,
                         "golang-migrate x-multi-statement");
    }
    return out;
}

}  // namespace pgfence::analyze::tools
