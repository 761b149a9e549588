#include "analyze/migrations/graphile_settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/utf8.hpp"

namespace pgfence::analyze::tools {
namespace {

// At most this many bytes of a value from the repository are shown.
constexpr std::size_t k_shown = 60;
// JSON5 nesting pgfence follows; deeper settings are unknown (graphile-migrate has none so deep).
constexpr int k_most_depth = 32;

std::string shown(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, k_shown)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return text.size() > k_shown ? out + "..." : out;
}

struct Token {
    enum class Kind { Punct, String, Word } kind = Kind::Punct;
    std::string text;  // a string's value, decoded; a word as written; the punctuation mark
    int line = 1;
    bool exact = true;  // a string or word whose escapes pgfence decoded
};

// JSON5's tokens (json5.org: comments, single- or double-quoted strings, unquoted keys and
// words); false when the text ends inside a string or comment.
bool tokens_of(std::string_view s, std::vector<Token>& out) {
    int line = 1;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\n') { ++line; ++i; continue; }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') { ++i; continue; }
        if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            std::size_t end = s.find("*/", i + 2);
            if (end == std::string_view::npos) return false;
            line += static_cast<int>(std::count(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
            i = end + 2;
            continue;
        }
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') {
            out.push_back(Token{Token::Kind::Punct, std::string(1, c), line, true});
            ++i;
            continue;
        }
        if (c == '"' || c == '\'') {
            Token t{Token::Kind::String, {}, line, true};
            ++i;
            for (;; ++i) {
                if (i >= s.size()) return false;
                if (s[i] == c) break;
                if (s[i] == '\n') ++line;
                if (s[i] != '\\') {
                    t.text += s[i];
                    continue;
                }
                if (++i >= s.size()) return false;
                const char e = s[i];
                if (e == '\n') { ++line; continue; }  // a line continuation
                if (e == 'n') t.text += '\n';
                else if (e == 't') t.text += '\t';
                else if (e == 'r') t.text += '\r';
                else if (e == 'u' && i + 4 < s.size()) {
                    unsigned v = 0;
                    bool hex = true;
                    for (std::size_t k = 1; k <= 4; ++k) {
                        int h = hex_value(s[i + k]);
                        hex = hex && h >= 0;
                        v = v * 16 + static_cast<unsigned>(std::max(h, 0));
                    }
                    if (!hex) { t.exact = false; continue; }
                    append_utf8(t.text, v);
                    i += 4;
                } else if (e == '\\' || e == '\'' || e == '"' || e == '/') t.text += e;
                else t.exact = false;  // \x.., \0, \b, \f, \v: never in a key or action kind pgfence compares
            }
            ++i;
            out.push_back(std::move(t));
            continue;
        }
        std::size_t end = i;
        while (end < s.size() && std::string_view(" \t\r\n\f\v{}[]:,\"'/").find(s[end]) == std::string_view::npos) ++end;
        if (end == i) ++end;  // a lone '/'
        Token t{Token::Kind::Word, std::string(s.substr(i, end - i)), line, true};
        t.exact = t.text.find('\\') == std::string::npos;
        out.push_back(std::move(t));
        i = end;
    }
    return true;
}

// graphile-migrate's hooks (src/settings.ts Settings: each an Actions, a string or a list of
// strings and {_: "sql" | "command"} objects; a bare string is an SQL file, src/actions.ts).
bool action_key(std::string_view key) {
    static constexpr std::array<std::string_view, 6> k_actions = {"beforeReset",         "afterReset",  "beforeAllMigrations",
                                                                  "afterAllMigrations", "beforeCurrent", "afterCurrent"};
    return std::find(k_actions.begin(), k_actions.end(), key) != k_actions.end();
}

class Reader {
public:
    Reader(const std::vector<Token>& t, GraphileSettings& out) : m_t(t), m_out(out) {}

    bool top() {
        if (!is("{")) return false;
        return object(0, [&](const Token& key) { return setting(key); }) && m_at == m_t.size();
    }

private:
    const std::vector<Token>& m_t;
    GraphileSettings& m_out;
    std::size_t m_at = 0;

    bool is(std::string_view p) const { return m_at < m_t.size() && m_t[m_at].kind == Token::Kind::Punct && m_t[m_at].text == p; }
    int line() const { return m_at < m_t.size() ? m_t[m_at].line : (m_t.empty() ? 1 : m_t.back().line); }
    void unknown(int line, std::string why) { m_out.unknown.push_back(GraphileUnknown{line, std::move(why)}); }

    // `{ key: value, ... }` with `on_key` reading each value (m_at at the value).
    template <class OnKey>
    bool object(int depth, OnKey on_key) {
        if (depth > k_most_depth || !is("{")) return false;
        ++m_at;
        while (!is("}")) {
            if (m_at >= m_t.size() || m_t[m_at].kind == Token::Kind::Punct) return false;
            const Token& key = m_t[m_at++];
            if (!is(":")) return false;
            ++m_at;
            if (!on_key(key)) return false;
            if (is(",")) ++m_at;
            else if (!is("}")) return false;
        }
        ++m_at;
        return true;
    }

    // Any value, passed over.
    bool skip(int depth) {
        if (depth > k_most_depth || m_at >= m_t.size()) return false;
        if (is("{")) return object(depth + 1, [&](const Token&) { return skip(depth + 1); });
        if (is("[")) {
            ++m_at;
            while (!is("]")) {
                if (!skip(depth + 1)) return false;
                if (is(",")) ++m_at;
                else if (!is("]")) return false;
            }
            ++m_at;
            return true;
        }
        if (m_t[m_at].kind == Token::Kind::Punct) return false;
        ++m_at;
        return true;
    }

    bool setting(const Token& key) {
        const int at = key.line;
        if (!key.exact) {
            unknown(at, ".gmrc key with an escape pgfence does not decode: graphile-migrate may read it as a setting pgfence does not follow");
            return skip(1);
        }
        if (action_key(key.text)) return actions(key.text);
        if (key.text == "placeholders") return placeholders(at);
        if (key.text == "migrationsFolder" && m_at < m_t.size() && m_t[m_at].kind == Token::Kind::String) {
            m_out.migrations_folder = m_t[m_at].text;
            return skip(1);
        }
        if (key.text == "pgSettings") {
            // src/migration.ts withClient: set_config for each, on every connection it opens.
            if (!is("{") || m_at + 1 >= m_t.size() || !(m_t[m_at + 1].kind == Token::Kind::Punct && m_t[m_at + 1].text == "}")) {
                unknown(at, ".gmrc pgSettings: graphile-migrate sets these on every connection before the migrations run "
                            "(a search_path re-points every unqualified name), which pgfence does not model");
            }
            return skip(1);
        }
        return skip(1);
    }

    void sql_action(int at, std::string_view hook, std::string_view file) {
        unknown(at, ".gmrc " + std::string(hook) + " runs the SQL file " + shown(file) +
                        " of the migrations folder (src/actions.ts: placeholders put in, sent as one query), which pgfence does not read");
    }

    bool action(std::string_view hook) {
        const int at = line();
        if (m_at < m_t.size() && m_t[m_at].kind == Token::Kind::String) {
            sql_action(at, hook, m_t[m_at].text);
            ++m_at;
            return true;
        }
        if (!is("{")) {
            unknown(at, ".gmrc " + std::string(hook) + " holds an action graphile-migrate may run, which pgfence does not read");
            return skip(2);
        }
        std::string kind, command, file;
        bool exact = true;
        const bool ok = object(2, [&](const Token& k) {
            if (m_at < m_t.size() && m_t[m_at].kind == Token::Kind::String) {
                if (k.text == "_") kind = m_t[m_at].text;
                if (k.text == "command") command = m_t[m_at].text;
                if (k.text == "file") file = m_t[m_at].text;
            }
            exact = exact && k.exact;
            return skip(3);
        });
        if (!ok) return false;
        if (exact && kind == "sql") sql_action(at, hook, file);
        else if (exact && kind == "command")
            unknown(at, ".gmrc " + std::string(hook) + " runs the shell command `" + shown(command) +
                            "` (src/actions.ts: exec, with the database's URL in GM_DBURL), whose SQL pgfence does not see");
        else unknown(at, ".gmrc " + std::string(hook) + " holds an action graphile-migrate may run, which pgfence does not read");
        return true;
    }

    bool actions(std::string_view hook) {
        if (!is("[")) return action(hook);
        ++m_at;
        while (!is("]")) {
            if (!action(hook)) return false;
            if (is(",")) ++m_at;
            else if (!is("]")) return false;
        }
        ++m_at;
        return true;
    }

    bool placeholders(int at) {
        if (!is("{")) {
            if (m_at < m_t.size() && m_t[m_at].kind == Token::Kind::Word && m_t[m_at].text == "null") return skip(1);
            unknown(at, ".gmrc placeholders is not an object pgfence reads: graphile-migrate puts its values into the migrations as text");
            return skip(1);
        }
        return object(1, [&](const Token& k) {
            if (!k.exact) unknown(k.line, ".gmrc placeholder key with an escape pgfence does not decode");
            else m_out.placeholders.push_back(k.text);
            return skip(2);
        });
    }
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

bool graphile_settings_name(std::string_view name) { return name == ".gmrc" || name == ".gmrc.js" || name == ".gmrc.cjs"; }

GraphileSettings read_graphile_settings(std::string_view name, std::string_view text) {
    GraphileSettings out;
    if (name != ".gmrc") {
        // src/commands/_common.ts getSettings: imported, so its settings are whatever its code makes.
        out.unknown.push_back(GraphileUnknown{1, std::string(name) + " is a module graphile-migrate imports for its settings: "
                                                 "its actions and placeholders are computed when it runs, which pgfence does not follow"});
        out.computed = true;
        return out;
    }
    std::vector<Token> tokens;
    Reader reader(tokens, out);
    if (!tokens_of(text, tokens) || !reader.top()) {
        out.unknown.push_back(GraphileUnknown{1, ".gmrc is not JSON5 pgfence reads: graphile-migrate's actions and placeholders there are unknown"});
        out.computed = true;
    }
    return out;
}

GraphileProject graphile_project(std::string_view settings_path, const GraphileSettings& settings) {
    GraphileProject out;
    out.settings_file = std::string(settings_path);
    std::string folder(path_folder(settings_path));
    // migrationsFolder is relative to the folder graphile-migrate runs in; one that leaves it (or
    // is absolute) is taken as that whole folder, a wider net than the tool's.
    const std::string& m = settings.migrations_folder;
    const bool inside = !m.empty() && m.front() != '/' && m.find("..") == std::string::npos;
    if (inside) folder = folder.empty() ? m : folder + "/" + m;
    out.folder = folder.empty() ? "." : folder;
    out.placeholders = settings.placeholders;
    out.placeholders.insert(out.placeholders.end(), {":DATABASE_NAME", ":DATABASE_OWNER"});
    out.computed = settings.computed;
    return out;
}

std::vector<UnknownPlaceholder> graphile_placeholder_uses(std::string_view path, std::string_view text,
                                                          const std::vector<GraphileProject>& projects) {
    std::vector<UnknownPlaceholder> out;
    if (projects.empty() || text.find(':') == std::string_view::npos) return out;
    const std::filesystem::path self = absolute_path(std::filesystem::path(path)).lexically_normal();
    const GraphileProject* project = nullptr;
    for (const GraphileProject& p : projects) {
        const std::filesystem::path top = absolute_path(std::filesystem::path(p.folder)).lexically_normal();
        auto [end, _] = std::mismatch(top.begin(), top.end(), self.begin(), self.end());
        if (end == top.end() || (end != top.end() && end->empty() && std::next(end) == top.end())) project = &p;
    }
    if (project == nullptr) return out;
    // src/migration.ts generatePlaceholderReplacement: the keys, and :DATABASE_NAME and
    // :DATABASE_OWNER always, as a regular expression `(?:keys)\b` over the whole text, strings and
    // comments too. A computed settings module may name any `:UPPER_CASE` word.
    for (std::size_t i = text.find(':'); i != std::string_view::npos; i = text.find(':', i + 1)) {
        std::size_t best = 0;
        if (project->computed) {
            if (i > 0 && text[i - 1] == ':') continue;  // a cast, `x::TEXT`
            std::size_t k = i + 1;
            if (k < text.size() && text[k] >= 'A' && text[k] <= 'Z') {
                while (k < text.size() && ((text[k] >= 'A' && text[k] <= 'Z') || (text[k] >= '0' && text[k] <= '9') || text[k] == '_')) ++k;
                if (k - i >= 3 && (k == text.size() || !word_char(text[k]))) best = k - i;
            }
        }
        for (const std::string& key : project->placeholders) {
            if (key.size() <= best || text.compare(i, key.size(), key) != 0) continue;
            const std::size_t end = i + key.size();
            // `\b` after the key: a boundary between a word character and one that is not.
            const bool boundary = key.empty() || !word_char(key.back()) ? end < text.size() && word_char(text[end])
                                                                           : end == text.size() || !word_char(text[end]);
            if (boundary) best = key.size();
        }
        if (best == 0) continue;
        out.push_back(UnknownPlaceholder{i, std::string(text.substr(i, best)),
                                         "graphile-migrate takes it from " + project->settings_file + ", the database's URL or the environment",
                                         "graphile-migrate"});
        i += best - 1;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
