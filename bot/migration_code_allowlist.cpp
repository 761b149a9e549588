#include "bot/migration_code_allowlist.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>

namespace pgfence::bot {
namespace {

struct Tok {
    enum class Kind { name, string, number, punct, newline } kind = Kind::punct;
    std::string text;  // names as written; punctuation one or two characters
    int line = 1;
    bool bad = false;  // a string pgfence cannot take as a literal (f-string, interpolation)
};

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The token at `i` when it is neither a name, a string nor a comment, for both lexers below: a
// number, or punctuation (one of the language's two-character `pairs`, else one character; the
// bracket `depth` follows it). Moves `i` past it.
void number_or_punct(std::string_view s, std::size_t& i, int line, int& depth, std::initializer_list<std::string_view> pairs,
                     std::vector<Tok>& out) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
        std::size_t j = i;
        while (j < s.size() && (name_char(s[j]) || s[j] == '.')) ++j;
        out.push_back({Tok::Kind::number, std::string(s.substr(i, j - i)), line});
        i = j;
        return;
    }
    std::string p(1, s[i]);
    if (std::find(pairs.begin(), pairs.end(), s.substr(i, 2)) != pairs.end()) p = std::string(s.substr(i, 2));
    if (p == "(" || p == "[" || p == "{") ++depth;
    if ((p == ")" || p == "]" || p == "}") && depth > 0) --depth;
    out.push_back({Tok::Kind::punct, p, line});
    i += p.size();
}

// Python: comments, strings (prefixes, triple quotes), names, numbers, punctuation; a newline token
// where a logical line ends (outside brackets, no backslash continuation).
std::vector<Tok> python_tokens(std::string_view s) {
    std::vector<Tok> out;
    int line = 1, depth = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\n') {
            if (depth == 0 && !out.empty() && out.back().kind != Tok::Kind::newline) out.push_back({Tok::Kind::newline, "", line});
            ++line;
            ++i;
        } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
            ++line;
            i += 2;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#') {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (name_start(c) || c == '"' || c == '\'') {
            std::size_t j = i;
            while (j < s.size() && name_char(s[j])) ++j;
            const std::string word(s.substr(i, j - i));
            std::string lower = word;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const bool prefix = j < s.size() && (s[j] == '"' || s[j] == '\'') && lower.size() <= 2 &&
                                lower.find_first_not_of("rbuf") == std::string::npos;
            if (!word.empty() && !prefix) {
                out.push_back({Tok::Kind::name, word, line});
                i = j;
                continue;
            }
            Tok t{Tok::Kind::string, "", line};
            t.bad = lower.find('f') != std::string::npos;
            const char q = s[j];
            const bool triple = s.substr(j, 3) == std::string(3, q);
            i = j + (triple ? 3 : 1);
            while (i < s.size()) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    if (s[i + 1] == '\n') ++line;
                    t.text += s[i + 1];
                    i += 2;
                    continue;
                }
                if (triple ? s.substr(i, 3) == std::string(3, q) : s[i] == q) {
                    i += triple ? 3 : 1;
                    break;
                }
                if (s[i] == '\n') {
                    ++line;
                    if (!triple) break;
                }
                t.text += s[i++];
            }
            out.push_back(std::move(t));
        } else {
            number_or_punct(s, i, line, depth, {"->", "==", "!=", "<=", ">=", "**"}, out);
        }
    }
    if (!out.empty() && out.back().kind != Tok::Kind::newline) out.push_back({Tok::Kind::newline, "", line});
    return out;
}

bool is_punct(const std::vector<Tok>& t, std::size_t i, std::string_view p) {
    return i < t.size() && t[i].kind == Tok::Kind::punct && t[i].text == p;
}
bool is_name(const std::vector<Tok>& t, std::size_t i, std::string_view n = {}) {
    return i < t.size() && t[i].kind == Tok::Kind::name && (n.empty() || t[i].text == n);
}

bool under(std::string_view full, std::string_view prefix) {
    return full == prefix || (full.size() > prefix.size() && full.starts_with(prefix) && full[prefix.size()] == '.');
}

// The migration DSL of Django and Alembic, as the full dotted name a value or call resolves to.
bool python_allowed(const std::string& full) {
    static constexpr std::string_view k_denied[] = {"django.db.migrations.RunPython", "sqlalchemy.create_engine",
                                                    "sqlalchemy.engine_from_config", "sqlalchemy.inspect", "sqlalchemy.engine"};
    for (auto d : k_denied) {
        if (under(full, d)) return false;
    }
    static constexpr std::string_view k_ops[] = {
        "create_table", "drop_table", "add_column", "drop_column", "alter_column", "create_index", "drop_index", "create_foreign_key",
        "create_unique_constraint", "create_primary_key", "create_check_constraint", "create_exclude_constraint", "drop_constraint",
        "rename_table", "execute", "f", "batch_alter_table", "create_table_comment", "drop_table_comment", "bulk_insert", "inline_literal"};
    if (under(full, "alembic.op")) {
        if (full == "alembic.op") return false;
        const std::string rest = full.substr(11);
        return std::find(std::begin(k_ops), std::end(k_ops), rest) != std::end(k_ops);
    }
    static constexpr std::string_view k_prefixes[] = {"django.db.models", "django.db.migrations", "django.utils.timezone",
                                                      "django.core.validators", "django.contrib", "django.conf.settings.AUTH_USER_MODEL",
                                                      "sqlalchemy", "typing", "uuid", "datetime", "decimal"};
    return std::any_of(std::begin(k_prefixes), std::end(k_prefixes), [&](std::string_view p) { return under(full, p); });
}

// Modules a migration may import, and the names an import from each may bind.
bool module_allowed(const std::string& module) {
    static constexpr std::string_view k_modules[] = {"django.db", "django.conf", "django.utils", "django.core.validators",
                                                     "django.contrib", "alembic", "sqlalchemy", "typing", "uuid", "datetime",
                                                     "decimal", "__future__"};
    return module == "django" || std::any_of(std::begin(k_modules), std::end(k_modules), [&](std::string_view p) { return under(module, p); });
}

class PythonJudge {
public:
    explicit PythonJudge(std::string_view code) : m_t(python_tokens(code)) {}
    std::vector<UnlistedLine> run() {
        for (std::size_t i = 0; i < m_t.size();) {
            std::size_t end = i;
            while (end < m_t.size() && m_t[end].kind != Tok::Kind::newline) ++end;
            if (end > i) {
                if (auto why = statement(i, end); !why.empty()) m_out.push_back({m_bad_line, why});
            }
            i = end + 1;
        }
        return std::move(m_out);
    }

private:
    std::string bad(std::size_t at, std::string why) {
        m_bad_line = m_t[std::min(at, m_t.size() - 1)].line;
        return why;
    }

    // The dotted name from `at`, its end in `after`.
    std::string dotted(std::size_t at, std::size_t end, std::size_t& after) {
        std::string out = m_t[at].text;
        after = at + 1;
        while (after + 1 < end && is_punct(m_t, after, ".") && is_name(m_t, after + 1)) {
            out += "." + m_t[after + 1].text;
            after += 2;
        }
        return out;
    }

    std::string resolve(const std::string& name) {
        const auto dot = name.find('.');
        const std::string root = name.substr(0, dot);
        auto it = m_roots.find(root);
        if (it == m_roots.end()) return {};
        return it->second + (dot == std::string::npos ? "" : name.substr(dot));
    }

    // Literal arguments and the DSL's values from `i` to `end`.
    std::string expression(std::size_t i, std::size_t end) {
        for (; i < end;) {
            const Tok& t = m_t[i];
            const bool after_value = i > 0 && (m_t[i - 1].kind == Tok::Kind::name || m_t[i - 1].kind == Tok::Kind::string ||
                                               is_punct(m_t, i - 1, ")") || is_punct(m_t, i - 1, "]"));
            if (t.kind == Tok::Kind::string) {
                if (t.bad) return bad(i, "a string built at run time (an f-string)");
                ++i;
            } else if (t.kind == Tok::Kind::number) {
                ++i;
            } else if (t.kind == Tok::Kind::name) {
                if (t.text == "True" || t.text == "False" || t.text == "None") {
                    ++i;
                } else if (is_punct(m_t, i + 1, "=")) {
                    i += 2;  // a keyword argument
                } else {
                    std::size_t after = i;
                    const std::string name = dotted(i, end, after);
                    const std::string full = resolve(name);
                    if (full.empty() || !python_allowed(full)) return bad(i, "'" + name + "' is not the migration DSL pgfence reads");
                    i = after;
                }
            } else if (t.text == "(" || t.text == "{" || t.text == ")" || t.text == "]" || t.text == "}" || t.text == "," ||
                       t.text == ":" || t.text == "-") {
                if (t.text == "(" && is_punct(m_t, i - 1, ")")) return bad(i, "a call on a call's result");
                ++i;
            } else if (t.text == "[") {
                if (after_value) return bad(i, "a subscript: a value chosen at run time");
                ++i;
            } else if (t.text == ".") {
                return bad(i, "a call or attribute of a computed value");
            } else {
                return bad(i, "an operator ('" + t.text + "'): a value computed at run time");
            }
        }
        return {};
    }

    std::string statement(std::size_t i, std::size_t end) {
        const Tok& first = m_t[i];
        if (first.kind == Tok::Kind::string && end == i + 1) return first.bad ? bad(i, "an f-string") : "";  // a docstring
        if (is_name(m_t, i, "pass") && end == i + 1) return {};
        if (is_name(m_t, i, "import")) {
            for (std::size_t j = i + 1; j < end;) {
                std::size_t after = j;
                if (!is_name(m_t, j)) return bad(j, "an import pgfence does not read");
                const std::string module = dotted(j, end, after);
                if (!module_allowed(module)) return bad(j, "imports " + module + ", code pgfence does not follow");
                std::string alias = module.substr(0, module.find('.'));
                std::string target = alias;
                if (is_name(m_t, after, "as") && is_name(m_t, after + 1)) {
                    alias = m_t[after + 1].text;
                    target = module;
                    after += 2;
                }
                m_roots[alias] = target;
                if (is_punct(m_t, after, ",")) j = after + 1;
                else if (after == end) j = end;
                else return bad(after, "an import pgfence does not read");
            }
            return {};
        }
        if (is_name(m_t, i, "from")) {
            std::size_t after = i + 1;
            if (!is_name(m_t, i + 1)) return bad(i + 1, "a relative import: the project's code, which pgfence does not follow");
            const std::string module = dotted(i + 1, end, after);
            if (!module_allowed(module)) return bad(i + 1, "imports " + module + ", code pgfence does not follow");
            if (!is_name(m_t, after, "import")) return bad(after, "an import pgfence does not read");
            for (std::size_t j = after + 1; j < end; ++j) {
                if (!is_name(m_t, j)) continue;
                std::string name = m_t[j].text, alias = name;
                if (is_name(m_t, j + 1, "as") && is_name(m_t, j + 2)) {
                    alias = m_t[j + 2].text;
                    j += 2;
                }
                if (name == "*") return bad(j, "a star import");
                m_roots[alias] = module + "." + name;
            }
            return {};
        }
        if (is_name(m_t, i, "class")) {
            // class Migration(migrations.Migration):
            if (is_name(m_t, i + 1) && is_punct(m_t, i + 2, "(") && is_punct(m_t, end - 2, ")") && is_punct(m_t, end - 1, ":")) {
                std::size_t after = i + 3;
                if (is_name(m_t, i + 3) && resolve(dotted(i + 3, end, after)) == "django.db.migrations.Migration" && after == end - 2) return {};
            }
            return bad(i, "a class other than the Migration");
        }
        if (is_name(m_t, i, "def")) {
            if ((is_name(m_t, i + 1, "upgrade") || is_name(m_t, i + 1, "downgrade")) && is_punct(m_t, i + 2, "(") &&
                is_punct(m_t, i + 3, ")") && is_punct(m_t, end - 1, ":") &&
                (end == i + 5 || (end == i + 7 && is_punct(m_t, i + 4, "->") && is_name(m_t, i + 5, "None")))) {
                return {};
            }
            return bad(i, "a function the migration runs");
        }
        if (is_name(m_t, i, "with")) {
            // with op.batch_alter_table("t") as batch_op:
            if (end >= i + 4 && is_punct(m_t, end - 1, ":") && is_name(m_t, end - 2) && is_name(m_t, end - 3, "as")) {
                std::size_t after = i + 1;
                if (is_name(m_t, i + 1) && resolve(dotted(i + 1, end, after)) == "alembic.op.batch_alter_table") {
                    if (auto why = expression(i + 1, end - 3); !why.empty()) return why;
                    m_roots[m_t[end - 2].text] = "alembic.op";
                    return {};
                }
            }
            return bad(i, "a with block pgfence does not read");
        }
        static constexpr std::string_view k_assigned[] = {"initial", "atomic", "dependencies", "operations", "replaces", "run_before",
                                                          "revision", "down_revision", "branch_labels", "depends_on"};
        if (is_name(m_t, i) && std::find(std::begin(k_assigned), std::end(k_assigned), first.text) != std::end(k_assigned)) {
            std::size_t eq = i + 1;
            if (is_punct(m_t, eq, ":")) {  // an annotation: Union[str, Sequence[str], None]
                for (++eq; eq < end && !is_punct(m_t, eq, "="); ++eq) {
                    static constexpr std::string_view k_types[] = {"str", "None", "Union", "Sequence", "Optional", "Tuple", "tuple", "bool"};
                    if (is_name(m_t, eq) && std::find(std::begin(k_types), std::end(k_types), m_t[eq].text) == std::end(k_types))
                        return bad(eq, "an annotation pgfence does not read");
                }
            }
            if (is_punct(m_t, eq, "=")) return expression(eq + 1, end);
        }
        // An expression statement: a call of the DSL (op.create_table(...)).
        if (is_name(m_t, i)) {
            std::size_t after = i;
            const std::string full = resolve(dotted(i, end, after));
            if (!full.empty() && is_punct(m_t, after, "(")) return expression(i, end);
        }
        return bad(i, "code that is not the migration DSL pgfence reads");
    }

    std::vector<Tok> m_t;
    std::map<std::string, std::string> m_roots;  // a name bound by an import -> the module path it stands for
    std::vector<UnlistedLine> m_out;
    int m_bad_line = 1;
};

// ---- Ruby (Rails) ----

std::vector<Tok> ruby_tokens(std::string_view s) {
    std::vector<Tok> out;
    int line = 1, depth = 0;
    std::vector<std::pair<std::string, bool>> heredocs;  // terminators pending at the line's end, interpolated
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\n') {
            if (depth == 0 && !out.empty() && out.back().kind != Tok::Kind::newline && !is_punct(out, out.size() - 1, ",")) {
                out.push_back({Tok::Kind::newline, "", line});
            }
            ++line;
            ++i;
            // Heredoc bodies follow the line that opened them.
            for (const auto& [id, interpolated] : heredocs) {
                for (;;) {
                    const std::size_t eol = std::min(s.find('\n', i), s.size());
                    std::string_view body = s.substr(i, eol - i);
                    i = std::min(eol + 1, s.size());
                    ++line;
                    std::size_t a = body.find_first_not_of(" \t"), b = body.find_last_not_of(" \t\r");
                    if (a != std::string_view::npos && body.substr(a, b - a + 1) == id) break;
                    if (interpolated && body.find("#{") != std::string_view::npos) {
                        for (auto it = out.rbegin(); it != out.rend(); ++it) {
                            if (it->kind == Tok::Kind::string) {
                                it->bad = true;
                                break;
                            }
                        }
                    }
                    if (i >= s.size()) break;
                }
            }
            heredocs.clear();
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#') {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (c == '<' && s.substr(i, 2) == "<<" && i + 2 < s.size() &&
                   (s[i + 2] == '~' || s[i + 2] == '-' || std::isupper(static_cast<unsigned char>(s[i + 2])) || s[i + 2] == '\'' || s[i + 2] == '"')) {
            std::size_t j = i + 2;
            if (s[j] == '~' || s[j] == '-') ++j;
            const bool quoted = j < s.size() && s[j] == '\'';
            if (j < s.size() && (s[j] == '\'' || s[j] == '"')) ++j;
            std::size_t k = j;
            while (k < s.size() && name_char(s[k])) ++k;
            heredocs.emplace_back(std::string(s.substr(j, k - j)), !quoted);
            if (k < s.size() && (s[k] == '\'' || s[k] == '"')) ++k;
            out.push_back({Tok::Kind::string, "", line});
            i = k;
        } else if (c == '"' || c == '\'') {
            Tok t{Tok::Kind::string, "", line};
            for (++i; i < s.size() && s[i] != c; ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                if (s[i] == '\n') ++line;
                if (c == '"' && s[i] == '#' && i + 1 < s.size() && s[i + 1] == '{') t.bad = true;
            }
            ++i;
            out.push_back(std::move(t));
        } else if (c == ':' && i + 1 < s.size() && (name_start(s[i + 1]) || s[i + 1] == '"')) {
            // a symbol
            std::size_t j = i + 1;
            if (s[j] == '"') {
                j = s.find('"', j + 1);
                j = j == std::string_view::npos ? s.size() : j + 1;
            } else {
                while (j < s.size() && (name_char(s[j]) || s[j] == '?' || s[j] == '!')) ++j;
            }
            out.push_back({Tok::Kind::number, std::string(s.substr(i, j - i)), line});
            i = j;
        } else if (name_start(c)) {
            std::size_t j = i;
            while (j < s.size() && name_char(s[j])) ++j;
            if (j < s.size() && (s[j] == '!' || s[j] == '?') && !(j + 1 < s.size() && s[j + 1] == '=')) ++j;
            if (j < s.size() && s[j] == ':' && !(j + 1 < s.size() && s[j + 1] == ':')) {
                out.push_back({Tok::Kind::number, std::string(s.substr(i, j + 1 - i)), line});  // a hash key, `null:`
                i = j + 1;
                continue;
            }
            out.push_back({Tok::Kind::name, std::string(s.substr(i, j - i)), line});
            i = j;
        } else {
            number_or_punct(s, i, line, depth, {"=>", "::", "->", "&&", "||", "=="}, out);
        }
    }
    if (!out.empty() && out.back().kind != Tok::Kind::newline) out.push_back({Tok::Kind::newline, "", line});
    return out;
}

constexpr std::string_view k_rails_dsl[] = {
    "create_table", "drop_table", "change_table", "rename_table", "add_column", "remove_column", "remove_columns", "change_column",
    "change_column_default", "change_column_null", "change_column_comment", "change_table_comment", "rename_column", "add_index",
    "remove_index", "rename_index", "add_reference", "remove_reference", "add_belongs_to", "remove_belongs_to", "add_foreign_key",
    "remove_foreign_key", "validate_foreign_key", "add_timestamps", "remove_timestamps", "add_check_constraint",
    "remove_check_constraint", "create_join_table", "drop_join_table", "enable_extension", "disable_extension", "execute"};

std::vector<UnlistedLine> ruby_judge(std::string_view code) {
    const auto t = ruby_tokens(code);
    std::vector<UnlistedLine> out;
    std::set<std::string> block_vars;
    auto literal_args = [&](std::size_t i, std::size_t end) -> std::optional<std::size_t> {
        const std::size_t first_arg = i;  // `t.index [:a, :b]`: a list, not a subscript
        for (; i < end; ++i) {
            const Tok& k = t[i];
            if (k.kind == Tok::Kind::string) {
                if (k.bad) return i;
                continue;
            }
            if (k.kind == Tok::Kind::number) continue;
            if (k.kind == Tok::Kind::name) {
                if (k.text == "true" || k.text == "false" || k.text == "nil") continue;
                if (k.text == "do" && is_punct(t, i + 1, "|") && is_name(t, i + 2) && is_punct(t, i + 3, "|") && i + 4 == end) {
                    block_vars.insert(t[i + 2].text);
                    return std::nullopt;
                }
                if (k.text == "do" && i + 1 == end) return std::nullopt;
                return i;
            }
            static constexpr std::string_view k_punct[] = {"(", ")", "[", "]", "{", "}", ",", "=>", "-"};
            if (std::find(std::begin(k_punct), std::end(k_punct), k.text) == std::end(k_punct)) return i;
            if (k.text == "[" && i > first_arg && (t[i - 1].kind == Tok::Kind::name || is_punct(t, i - 1, ")") || is_punct(t, i - 1, "]"))) return i;
        }
        return std::nullopt;
    };
    for (std::size_t i = 0; i < t.size();) {
        std::size_t end = i;
        while (end < t.size() && t[end].kind != Tok::Kind::newline) ++end;
        std::optional<std::size_t> bad_at;
        std::string why = "code that is not the migration DSL pgfence reads";
        if (end > i) {
            const Tok& first = t[i];
            if (is_name(t, i, "class")) {
                // class X < ActiveRecord::Migration[6.1]
                const bool ok = is_name(t, i + 1) && is_punct(t, i + 2, "<") && is_name(t, i + 3, "ActiveRecord") &&
                                is_punct(t, i + 4, "::") && is_name(t, i + 5, "Migration") &&
                                (end == i + 6 || (end == i + 9 && is_punct(t, i + 6, "[") && t[i + 7].kind == Tok::Kind::number && is_punct(t, i + 8, "]")));
                if (!ok) bad_at = i;
            } else if (is_name(t, i, "def")) {
                if (!(end == i + 2 && (is_name(t, i + 1, "change") || is_name(t, i + 1, "up") || is_name(t, i + 1, "down")))) {
                    bad_at = i;
                    why = "a method the migration runs";
                }
            } else if ((is_name(t, i, "end") || is_name(t, i, "disable_ddl_transaction!")) && end == i + 1) {
            } else if (is_name(t, i, "require") || is_name(t, i, "require_relative") || is_name(t, i, "load")) {
                bad_at = i;
                why = "loads code pgfence does not follow";
            } else if (first.kind == Tok::Kind::name &&
                       (std::find(std::begin(k_rails_dsl), std::end(k_rails_dsl), first.text) != std::end(k_rails_dsl) ||
                        (block_vars.count(first.text) != 0 && is_punct(t, i + 1, ".") && is_name(t, i + 2) &&
                         t[i + 2].text != "send" && t[i + 2].text != "public_send" && !t[i + 2].text.starts_with("instance_")))) {
                const std::size_t args = block_vars.count(first.text) != 0 && is_punct(t, i + 1, ".") ? i + 3 : i + 1;
                bad_at = literal_args(args, end);
                if (bad_at) why = "an argument that is not a literal (a value computed at run time)";
            } else {
                bad_at = i;
            }
        }
        if (bad_at) out.push_back({t[std::min(*bad_at, t.size() - 1)].line, why});
        i = end + 1;
    }
    return out;
}

}  // namespace

std::vector<UnlistedLine> unlisted_python(std::string_view code) { return PythonJudge(code).run(); }
std::vector<UnlistedLine> unlisted_ruby(std::string_view code) { return ruby_judge(code); }

}  // namespace pgfence::bot
