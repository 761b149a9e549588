#include "analyze/migrations/manifest_templates.hpp"

#include <algorithm>
#include <utility>

#include "analyze/base/text_lines.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::string_view k_computed = "$JUST_COMPUTED";

// Whether `v` holds a `{{ include }}` or `{{ template }}`, or, as the program's place (`first`: the
// value, a block's first item), is one whole `{{ }}` (quoted or not) or a flow list whose first item is:
// `["node", "server.js", {{ .Values.port }}]` names its program (red team R89b F5 reads a tool's).
bool unrendered_value(std::string_view v, bool first) {
    for (std::size_t open = v.find("{{"); open != std::string_view::npos; open = v.find("{{", open + 2)) {
        const std::size_t close = v.find("}}", open + 2);
        if (close == std::string_view::npos) break;
        std::string_view inner = v.substr(open + 2, close - open - 2);
        if (inner.starts_with("-")) inner.remove_prefix(1);
        inner = trim_blanks(inner);
        if (inner.starts_with("include ") || inner.starts_with("template ") || inner.starts_with("include\t") || inner.starts_with("template\t")) return true;
    }
    if (!first) return false;
    // The first item of a flow list (`[{{ .Values.program }}, "x"]`) and the value itself.
    std::size_t depth = 0, from = 0;
    auto whole = [](std::string_view item) {
        item = trim_blanks(item);
        if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front()) item = trim_blanks(item.substr(1, item.size() - 2));
        return item.size() >= 4 && item.starts_with("{{") && item.ends_with("}}") && item.find("{{", 2) == std::string_view::npos;
    };
    for (std::size_t i = 0; i <= v.size(); ++i) {
        if (i + 1 < v.size() && v[i] == '{' && v[i + 1] == '{') ++depth, ++i;
        else if (i + 1 < v.size() && v[i] == '}' && v[i + 1] == '}' && depth > 0) --depth, ++i;
        else if (i == v.size() || (depth == 0 && (v[i] == ',' || v[i] == '[' || v[i] == ']'))) {
            const std::string_view item = trim_blanks(v.substr(from, i - from));
            if (whole(item)) return true;
            if (!item.empty()) return false;  // past the first item
            from = i + 1;
        }
    }
    return false;
}

}  // namespace

bool manifest_template_name(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return false;
    const std::string_view base = name.substr(0, dot), engine = name.substr(dot + 1);
    if (!base.ends_with(".yaml") && !base.ends_with(".yml")) return false;
    for (std::string_view e : {"tmpl", "tpl", "j2", "jinja", "jinja2", "erb", "gotmpl"}) {
        if (engine == e) return true;
    }
    return false;
}

std::string without_manifest_template_tags(std::string_view text) {
    std::string out;
    constexpr std::size_t k_most = 1u << 20;
    std::size_t at = 0;
    auto tag = [&](std::size_t open, std::string_view close_mark, bool computed) {
        const std::size_t close = text.find(close_mark, open + 2);
        if (close == std::string_view::npos) return false;
        out += text.substr(at, open - at);
        if (computed) out += k_computed;
        for (std::size_t i = open; i < close; ++i) {
            if (text[i] == '\n') out += '\n';  // line for line
        }
        at = close + close_mark.size();
        return true;
    };
    for (std::size_t i = 0; i + 1 < text.size() && out.size() < k_most; ++i) {
        if (i < at) continue;
        const char c = text[i], n = text[i + 1];
        bool took = false;
        if (c == '<' && n == '%') took = tag(i, "%>", i + 2 < text.size() && text[i + 2] == '=');  // ERB
        else if (c == '{' && n == '{' && (i == 0 || text[i - 1] != '$')) took = tag(i, "}}", true);
        else if (c == '{' && n == '%') took = tag(i, "%}", false);
        else if (c == '{' && n == '#') took = tag(i, "#}", false);
        if (took) i = at - 1;
    }
    if (at < text.size() && out.size() < k_most) out += text.substr(at);
    return out;
}

std::vector<UnrenderedCommand> unrendered_helm_commands(std::string_view text) {
    std::vector<UnrenderedCommand> out;
    bool workload = false;
    each_yaml_line(text, [&](int, std::size_t indent, std::string_view body) {
        if (indent != 0 || !body.starts_with("kind:")) return;
        const std::string_view kind = trim_blanks(body.substr(5));
        for (std::string_view k : {"Job", "CronJob", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}) {
            if (kind == k) workload = true;
        }
    });
    if (!workload) return out;
    constexpr std::size_t k_none = std::string_view::npos;
    std::size_t key_at = k_none;  // the column of the `command:` or `args:` whose block is being read
    bool first = false;           // the first line after it: `{{- include ... | nindent 12 }}` may start at any column
    bool first_item = false;      // no item of its block read yet
    each_line(text, [&](int n, std::string_view raw) {
        if (out.size() >= 64) return;
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == k_none) return;
        const std::string_view body = trim_blanks(raw.substr(indent));
        if (body.empty() || body.front() == '#') return;
        if (key_at != k_none) {
            if (indent > key_at || (indent == key_at && body.starts_with("- ")) || (first && body.starts_with("{{"))) {
                first = false;
                const std::string_view v = body.starts_with("- ") ? trim_blanks(body.substr(2)) : body;
                if (unrendered_value(v, std::exchange(first_item, false))) out.push_back(UnrenderedCommand{n, std::string(v.substr(0, 200))});
                return;
            }
            key_at = k_none;
        }
        std::string_view k = body;
        std::size_t column = indent;
        if (k.starts_with("- ")) {
            k = trim_blanks(k.substr(2));
            column = indent + (body.size() - k.size());
        }
        std::string_view rest;
        if (k.starts_with("command:")) rest = k.substr(8);
        else if (k.starts_with("args:")) rest = k.substr(5);
        else return;
        rest = trim_blanks(rest);
        if (rest.empty() || rest.front() == '|' || rest.front() == '>' || (rest.front() == '[' && rest.find(']') == k_none)) {
            key_at = column;
            first = first_item = true;
        }
        if (!rest.empty() && unrendered_value(rest, true)) out.push_back(UnrenderedCommand{n, std::string(rest.substr(0, 200))});
    });
    return out;
}

StdinManifest kubectl_stdin_manifest(std::string_view line) {
    StdinManifest out;
    if (line.find("kubectl") == std::string_view::npos || line.size() > 4096) return out;
    // The line's words and pipeline stages, quotes cut (a word with `|` inside quotes stays one word).
    std::vector<std::vector<std::string>> stages(1);
    std::string word;
    bool in_word = false;
    char quote = 0;
    const auto end_word = [&] {
        if (in_word) stages.back().push_back(std::move(word));
        word.clear();
        in_word = false;
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
            else word += c;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            end_word();
        } else if (c == '|' && i + 1 < line.size() && line[i + 1] == '|') {
            end_word();
            stages.emplace_back();  // `||`: another command, not a pipe
            stages.back().push_back("||");
            ++i;
        } else if (c == '|' || c == ';' || c == '&') {
            end_word();
            stages.emplace_back();
            if (c != '|') stages.back().push_back(std::string(1, c));  // not fed by the command before it
        } else if (c == '<') {
            end_word();
            if (i + 1 < line.size() && line[i + 1] == '<') return out;  // a here-document or here-string: the line's own text
            stages.back().push_back("<");
        } else {
            word += c;
            in_word = true;
        }
    }
    end_word();
    for (std::size_t s = 0; s < stages.size(); ++s) {
        const auto& w = stages[s];
        const auto k = std::find(w.begin(), w.end(), "kubectl");
        if (k == w.end()) continue;
        const auto verb = std::find_if(k, w.end(), [](const std::string& x) { return x == "apply" || x == "create" || x == "replace"; });
        if (verb == w.end()) continue;
        bool stdin_file = false;
        std::string redirect;
        for (auto i = verb; i != w.end(); ++i) {
            if ((*i == "-f" || *i == "--filename") && i + 1 != w.end() && *(i + 1) == "-") stdin_file = true;
            if (*i == "-f-" || *i == "--filename=-") stdin_file = true;
            if (*i == "<" && i + 1 != w.end()) redirect = *(i + 1);
            if (i->starts_with("<") && i->size() > 1) redirect = i->substr(1);
        }
        if (!stdin_file) continue;
        if (!redirect.empty()) {
            out.kind = StdinManifest::Kind::file;
            out.file = redirect;
            return out;
        }
        out.kind = StdinManifest::Kind::unnamed;
        if (s == 0 || stages[s - 1].empty() || w.front() == "&" || w.front() == ";" || w.front() == "||") {
            out.source = "(no command before it)";
            return out;
        }
        const auto& f = stages[s - 1];
        std::size_t c = 0;
        // The command that feeds the pipe, past `VAR=value` assignments and a YAML key or list dash (`- run:`).
        while (c < f.size() && ((f[c].find('=') != std::string::npos && f[c].front() != '-') || f[c] == "&" || f[c] == ";" || f[c] == "||" ||
                                f[c] == "-" || f[c].ends_with(":"))) {
            ++c;
        }
        if (c >= f.size()) return out;
        const std::string& program = f[c];
        for (std::size_t i = c; i < f.size() && i < c + 8; ++i) out.source += (i == c ? "" : " ") + f[i];
        auto operand = [&](std::size_t from) -> std::string {
            for (std::size_t i = from; i < f.size(); ++i) {
                if (f[i] == "<" && i + 1 < f.size()) return f[i + 1];
                if (f[i].starts_with("<") && f[i].size() > 1) return f[i].substr(1);
                if (!f[i].starts_with("-")) return f[i];
            }
            return "";
        };
        std::string file;
        if (program == "cat" || program == "j2" || program == "envsubst") file = operand(c + 1);
        if (program == "envsubst") {
            file.clear();
            for (std::size_t i = c + 1; i < f.size(); ++i) {
                if (f[i] == "<" && i + 1 < f.size()) file = f[i + 1];
                else if (f[i].starts_with("<") && f[i].size() > 1) file = f[i].substr(1);
            }
        }
        if (program == "gomplate") {
            for (std::size_t i = c + 1; i < f.size(); ++i) {
                if ((f[i] == "-f" || f[i] == "--file") && i + 1 < f.size()) file = f[i + 1];
                else if (f[i].starts_with("--file=")) file = f[i].substr(7);
            }
        }
        if (!file.empty() && file != "-") {
            out.kind = StdinManifest::Kind::file;
            out.file = file;
            return out;
        }
        // The repository's own manifests rendered by a tool that reads them where pgfence does too.
        const auto has = [&](std::string_view x) { return std::find(f.begin() + static_cast<std::ptrdiff_t>(c), f.end(), x) != f.end(); };
        if ((program == "kustomize" && has("build")) || (program == "kubectl" && (has("kustomize") || has("--dry-run") || has("--dry-run=client"))) ||
            (program == "helm" && has("template")) || (program == "kubectl" && has("create") && has("-o"))) {
            out.kind = StdinManifest::Kind::none;
        }
        return out;
    }
    return out;
}

}  // namespace pgfence::analyze::tools
