#include "analyze/migrations/template_vars.hpp"

#include <cctype>

#include "analyze/base/text_lines.hpp"

namespace pgfence::analyze::tools {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

}  // namespace

TemplateVars just_variables(std::string_view text) {
    TemplateVars out;
    each_line(text, [&](int n, std::string_view l) {
        if (l.empty() || l.front() == ' ' || l.front() == '\t' || l.front() == '#') return;
        if (l.starts_with("export ")) l.remove_prefix(7);
        std::size_t e = 0;
        while (e < l.size() && name_char(l[e])) ++e;
        if (e == 0) return;
        const std::string name(l.substr(0, e));
        std::string_view rest = trim_blanks(l.substr(e));
        if (!rest.starts_with(":=")) return;
        rest = trim_blanks(rest.substr(2));
        if (const std::size_t hash = rest.find(" #"); hash != std::string_view::npos) rest = trim_blanks(rest.substr(0, hash));
        if (out.size() >= 256 && !out.contains(name)) return;
        out[name] = {std::nullopt, n};  // assigned again: the last literal, or computed
        // One quoted string: just's single quotes are raw, double quotes take escapes (a `\` is left computed).
        if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
            const std::string_view v = rest.substr(1, rest.size() - 2);
            if (v.find(rest.front()) == std::string_view::npos && v.find("{{") == std::string_view::npos && v.find('`') == std::string_view::npos &&
                v.find('\\') == std::string_view::npos) {
                out[name] = {std::string(v.substr(0, 4096)), n};
            }
        }
    });
    return out;
}

TemplateVars taskfile_variables(std::string_view text) {
    TemplateVars out;
    std::size_t vars_indent = std::string_view::npos;  // the column of the open `vars:` key
    std::size_t entry_indent = std::string_view::npos;
    each_line(text, [&](int n, std::string_view l) {
        const std::size_t indent = l.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        std::string_view body = trim_blanks(l.substr(indent));
        if (body.empty() || body.front() == '#') return;
        if (vars_indent != std::string_view::npos && indent <= vars_indent) vars_indent = entry_indent = std::string_view::npos;
        if (body == "vars:") {
            vars_indent = indent;
            return;
        }
        if (vars_indent == std::string_view::npos) return;
        if (entry_indent == std::string_view::npos) entry_indent = indent;
        if (indent != entry_indent) return;  // a mapping's inner keys (`sh:`, `ref:`)
        std::size_t e = 0;
        while (e < body.size() && name_char(body[e])) ++e;
        if (e == 0 || e >= body.size() || body[e] != ':') return;
        const std::string name(body.substr(0, e));
        std::string_view v = trim_blanks(body.substr(e + 1));
        if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = trim_blanks(v.substr(0, hash));
        if (out.size() >= 256 && !out.contains(name)) return;
        out[name] = {std::nullopt, n};
        if (v.empty() || v.front() == '{' || v.front() == '[' || v.front() == '|' || v.front() == '>' || v.front() == '&' ||
            v.front() == '*' || v.find("{{") != std::string_view::npos) {
            return;  // a mapping (`sh:`), a list, a block, an alias or a template: computed
        }
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        out[name] = {std::string(v.substr(0, 4096)), n};
    });
    return out;
}

std::string with_template_vars(std::string_view line, const TemplateVars& vars, bool task, std::vector<int>& uses) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t open = line.find("{{"); open != std::string_view::npos; open = line.find("{{", at)) {
        const std::size_t close = line.find("}}", open + 2);
        if (close == std::string_view::npos) break;
        out += line.substr(at, open - at);
        at = close + 2;
        std::string_view inner = trim_blanks(line.substr(open + 2, close - open - 2));
        if (task && inner.starts_with(".")) inner.remove_prefix(1);
        const auto it = vars.find(inner);
        if (it != vars.end() && uses.size() < 16) uses.push_back(it->second.second);
        if (it != vars.end() && it->second.first && out.size() < (1u << 16)) {
            out += *it->second.first;
        } else {
            out += "$JUST_COMPUTED";
        }
    }
    out += line.substr(at);
    return out;
}

std::string without_template_words(std::string_view line) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t from = 0;;) {
        const std::size_t open = line.find("{{", from);
        if (open == std::string_view::npos) break;
        if (open > 0 && line[open - 1] == '$') {
            from = open + 2;
            continue;
        }
        const std::size_t close = line.find("}}", open + 2);
        if (close == std::string_view::npos || out.size() >= (1u << 16)) break;
        out += line.substr(at, open - at);
        out += "$JUST_COMPUTED";
        at = from = close + 2;
    }
    out += line.substr(at);
    return out;
}

}  // namespace pgfence::analyze::tools
