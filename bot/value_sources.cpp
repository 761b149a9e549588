#include "bot/value_sources.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_set>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/named_command_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "bot/template_values.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

constexpr std::size_t k_most_files = 64;
constexpr std::size_t k_most_named = 256;  // files of the tree a command file's words name (red team R90 F1)

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string_view unquote(std::string_view w) {
    while (!w.empty() && (w.front() == '"' || w.front() == '\'')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == '"' || w.back() == '\'' || w.back() == ',' || w.back() == ']')) w.remove_suffix(1);
    return w;
}

// One line's words, split at blanks, with the shell's separators their own words: `;`, `&&`, `||`,
// `|`, `>`, `>>`, `<`, `$(`, `(`, `)`, a backtick. Quotes are kept in the word (unquote drops them).
std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size() && out.size() < 256) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
            continue;
        }
        std::size_t n = 1;
        if (line.substr(i).starts_with("$(") || line.substr(i).starts_with("&&") || line.substr(i).starts_with("||") ||
            line.substr(i).starts_with(">>")) {
            n = 2;
        } else if (c != ';' && c != '|' && c != '>' && c != '<' && c != '(' && c != ')' && c != '`') {
            n = 0;
            while (i + n < line.size() && line[i + n] != ' ' && line[i + n] != '\t' && line[i + n] != '\r' && line[i + n] != ';' &&
                   line[i + n] != '|' && line[i + n] != '>' && line[i + n] != '<' && line[i + n] != ')' && line[i + n] != '`' &&
                   !(line[i + n] == '$' && i + n + 1 < line.size() && line[i + n + 1] == '(') && !(line[i + n] == '(' && n == 0)) {
                ++n;
            }
        }
        out.push_back(line.substr(i, n));
        i += n;
    }
    return out;
}

bool separator(std::string_view w) {
    return w == ";" || w == "&&" || w == "||" || w == "|" || w == ">" || w == ">>" || w == "<" || w == "$(" || w == "(" || w == ")" || w == "`";
}

// A word in command position: first on the line (after a YAML list dash or a `run:`/`script:` key), or after a separator.
bool command_position(const std::vector<std::string_view>& w, std::size_t i) {
    if (i == 0) return true;
    const std::string_view p = w[i - 1];
    if (separator(p) || p == "then" || p == "do" || p == "else" || p == "{") return true;
    return i <= 2 && (p == "-" || p.ends_with(":")) && (i == 1 || w[0] == "-");
}

struct Collector {
    ValueSources& out;
    std::vector<std::string> folders;  // where a relative path is read from, in order
    const std::function<bool(std::string_view)>* in_tree = nullptr;
    std::size_t named = 0;
    int line = 0;
    // `computed`: whether a computed path leaves the source unknown (an include, a sourced file), not
    // a path the environment gives (`jq . "$GITHUB_EVENT_PATH"`, outside the checkout).
    void add(std::string_view word, bool root_only = false, bool computed = true) {
        word = unquote(word);
        if (word.empty() || out.files.size() >= k_most_files) return;
        if (const std::size_t cut = word.find_first_of("$`*?{"); cut != std::string_view::npos) {
            if (!computed) return;
            // A computed path watches the literal folder written before it, and the folders below it
            // (`config/$(ENV).mk`, `mk/*.mk`, `config/env/*.env`: red team R90 F1); without one, the reader's folders.
            std::string_view literal = word.substr(0, cut);
            while (literal.starts_with("./")) literal.remove_prefix(2);
            const std::size_t slash = literal.rfind('/');
            bool under = false;
            for (const std::string& f : folders) {
                if (slash == std::string_view::npos || slash == 0) break;
                std::string p = tools::repository_path(f, literal.substr(0, slash));
                if (p.empty() || out.computed_under.size() >= k_most_files) continue;
                under = true;
                if (std::find(out.computed_under.begin(), out.computed_under.end(), p) == out.computed_under.end()) {
                    out.computed_under.push_back(std::move(p));
                }
            }
            if (!under && out.computed_in.empty()) out.computed_in = folders;
            return;
        }
        if (word.front() == '/' || word.front() == '~' || word.front() == '-') return;  // outside the checkout, or an option
        for (const std::string& f : folders) {
            if (root_only && !f.empty()) continue;
            std::string p = tools::repository_path(f, word);
            if (!p.empty() && std::find(out.files.begin(), out.files.end(), p) == out.files.end() && out.files.size() < k_most_files) {
                out.files.push_back(std::move(p));
            }
        }
    }
};

bool path_char(char c) { return name_char(c) || c == '.' || c == '/' || c == '-' || c == '@' || c == '+' || c == '%'; }

// Any word of the line that names a regular file of the head's tree, from the reader's folders:
// `grep -v '^#' .env | xargs`, `sed ... F`, `node -p "require('./cfg.json').x"` (red team R90 F1).
// One set lookup a word and folder.
void named_files(std::string_view line, Collector& c) {
    if (c.in_tree == nullptr || !*c.in_tree) return;
    for (std::size_t i = 0; i < line.size() && c.named < k_most_named;) {
        if (!path_char(line[i])) {
            ++i;
            continue;
        }
        std::size_t e = i;
        while (e < line.size() && path_char(line[e])) ++e;
        std::string_view word = line.substr(i, e - i);
        i = e;
        if (i < line.size() && line[i] == '$') continue;  // a computed path: Collector::add
        while (word.starts_with("./")) word.remove_prefix(2);
        if (word.empty() || word.front() == '/' || word.front() == '-') continue;
        for (const std::string& f : c.folders) {
            std::string p = tools::repository_path(f, word);
            if (p.empty() || !(*c.in_tree)(p)) continue;
            ++c.named;
            if (std::find(c.out.files.begin(), c.out.files.end(), p) == c.out.files.end()) c.out.files.push_back(std::move(p));
        }
    }
}

// The script's own folder written as `$(dirname "$0")`, `${BASH_SOURCE%/*}`, or a name set from
// one (`SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)`), as `.`: a script's paths are read from its
// folder too (Collector's folders).
std::string script_folder_words(std::string_view line, std::vector<std::string>& names) {
    if (line.find('$') == std::string_view::npos) return std::string(line);
    const bool sets = line.find("dirname") != std::string_view::npos || line.find("BASH_SOURCE%") != std::string_view::npos;
    if (sets && (line.find("$0") != std::string_view::npos || line.find("BASH_SOURCE") != std::string_view::npos)) {
        std::string_view l = line;
        for (std::string_view k : {"export ", "readonly ", "local ", "declare "}) {
            if (l.starts_with(k)) l = analyze::trim_blanks(l.substr(k.size()));
        }
        std::size_t n = 0;
        while (n < l.size() && name_char(l[n])) ++n;
        if (n > 0 && n < l.size() && l[n] == '=' && names.size() < 8) names.emplace_back(l.substr(0, n));
    }
    std::string out(line);
    const auto replace = [&](std::string_view from) {
        for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) {
            const std::size_t end = at + from.size();
            if (from.front() == '$' && from[1] != '{' && from[1] != '(' && end < out.size() && name_char(out[end])) continue;
            out.replace(at, from.size(), ".");
        }
    };
    for (std::string_view f : {"$(dirname \"$0\")", "$(dirname $0)", "$(dirname \"${BASH_SOURCE[0]}\")", "$(dirname \"$BASH_SOURCE\")",
                               "$(dirname ${BASH_SOURCE[0]})", "${BASH_SOURCE%/*}", "${0%/*}"}) {
        replace(f);
    }
    for (const std::string& n : names) {
        replace("${" + n + "}");
        replace("$" + n);
    }
    return out;
}

// The shell's and the other commands' value files on one line.
void shell_line(std::string_view line, Collector& c) {
    named_files(line, c);
    const auto w = words_of(line);
    // helm's value files (helm.sh/docs/helm/helm_install: `-f, --values`) and ansible-playbook's
    // inventory and extra-vars files (docs.ansible.com ansible-playbook: `-i, --inventory`, `-e @F`).
    std::string_view templating;
    std::vector<std::string> helm_files, helm_words;  // one helm command's -f files, and its other words
    bool helm_set = false;                             // and whether it gives values itself (`--set k=v`)
    const auto resolved = [&](std::string_view word, std::vector<std::string>& into) {
        word = unquote(word);
        if (word.starts_with("@")) word.remove_prefix(1);
        if (word.empty() || word.find_first_of("$`*?{") != std::string_view::npos || word.front() == '-') return;
        for (const std::string& f : c.folders) {
            std::string p = tools::repository_path(f, word);
            if (!p.empty() && into.size() < k_most_files) into.push_back(std::move(p));
        }
    };
    const auto for_templates = [&](std::string_view word) { resolved(word, c.out.for_templates); };
    const auto end_helm = [&] {
        for (const auto& f : helm_files) {
            if (c.out.helm_values.size() < k_most_files) c.out.helm_values.emplace_back(f, "");
            for (const auto& word : helm_words) {
                if (c.out.helm_values.size() < k_most_files) c.out.helm_values.emplace_back(f, word);
            }
        }
        if (helm_set && c.out.helm_set.size() < k_most_files) {
            c.out.helm_set.emplace_back(c.line, "");
            for (const auto& word : helm_words) {
                if (c.out.helm_set.size() < k_most_files) c.out.helm_set.emplace_back(c.line, word);
            }
        }
        helm_files.clear();
        helm_words.clear();
        helm_set = false;
    };
    for (std::size_t i = 0; i < w.size(); ++i) {
        const std::string_view word = unquote(w[i]);
        if (separator(word)) {
            end_helm();
            templating = {};
        }
        if (word == "helm" || word == "ansible-playbook" || word == "ansible") templating = word;
        if (!templating.empty()) {
            const bool helm = templating == "helm";
            const bool takes = helm ? (word == "-f" || word == "--values") : (word == "-i" || word == "--inventory" || word == "--inventory-file");
            // helm's `--set`, `--set-string`, `--set-file`, `--set-json`, `--set-literal` (helm.sh/docs/helm/helm_upgrade).
            if (helm && word.starts_with("--set")) helm_set = true;
            if (takes && i + 1 < w.size()) {
                if (helm) {
                    resolved(w[++i], helm_files);
                } else {
                    for_templates(w[++i]);
                }
            } else if (helm && !word.starts_with("-") && word != "helm") {
                resolved(word, helm_words);  // the release, the chart, an option's value: which is a chart's folder is decided later
            } else if (!helm && (word == "-e" || word == "--extra-vars") && i + 1 < w.size() && unquote(w[i + 1]).starts_with("@")) {
                for_templates(w[++i]);
            } else if (templating == "ansible-playbook" && !word.starts_with("-") && (word.ends_with(".yml") || word.ends_with(".yaml"))) {
                for_templates(w[i]);  // the playbook: its `vars:` are its roles' values, and it is read as a task file
            } else if (const std::size_t eq = word.find('='); eq != std::string_view::npos && word.starts_with("--")) {
                const std::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
                if (helm && key == "--values") {
                    resolved(value, helm_files);
                } else if (!helm && (key == "--inventory" || key == "--inventory-file" || (key == "--extra-vars" && value.starts_with("@")))) {
                    for_templates(value);
                }
            }
        }
        // `. F`, `source F` (POSIX "dot": the file's commands run in the current shell; bash's `source`).
        if ((word == "." || word == "source") && command_position(w, i) && i + 1 < w.size() && !separator(w[i + 1])) {
            c.add(w[i + 1]);
        } else if (word == "cat" || word == "jq") {
            // `cat F ...` (into $GITHUB_ENV, or `$(cat F)`), and jq's input files after its filter
            // (jq manual, "Invoking jq": `jq [options] filter [files...]`; `-f F` reads the filter from F).
            bool filter = word == "cat";
            for (std::size_t j = i + 1; j < w.size() && !separator(w[j]); ++j) {
                const std::string_view a = unquote(w[j]);
                if (word == "jq" && (a == "--arg" || a == "--argjson")) {
                    j += 2;
                } else if (word == "jq" && (a == "--slurpfile" || a == "--rawfile")) {
                    if (j + 2 < w.size()) c.add(w[j + 2], false, false);
                    j += 2;
                } else if (word == "jq" && (a == "-f" || a == "--from-file")) {
                    if (j + 1 < w.size()) c.add(w[j + 1], false, false);
                    filter = true;
                    ++j;
                } else if (!a.starts_with("-")) {
                    if (filter) c.add(w[j], false, false);
                    filter = true;
                }
            }
        } else if ((word == "npm" || word == "yarn" || word == "pnpm") && command_position(w, i)) {
            // npm gives a package script `npm_package_config_<key>` from package.json's `config`
            // (docs.npmjs.com, "scripts", "package.json vars"; red team R90 F2).
            for (const std::string& f : c.folders) {
                std::string p = tools::repository_path(f, "package.json");
                if (!p.empty() && c.out.npm_files.size() < 8 && std::find(c.out.npm_files.begin(), c.out.npm_files.end(), p) == c.out.npm_files.end()) {
                    c.out.npm_files.push_back(std::move(p));
                }
            }
        } else if (word == "$(" && i + 2 < w.size() && w[i + 1] == "<") {
            c.add(w[i + 2], false, false);  // bash's `$(< F)`: the file's text, as `$(cat F)`
        } else if (word == "<" && i + 1 < w.size() && !separator(w[i + 1])) {
            c.add(w[i + 1]);  // `read -r X < F`, `while read ...; done < F`, `envsubst < F`
        } else if (word == "for" && command_position(w, i)) {
            // `for f in config/env/*.env; do . "./$f"; done`: the list's computed words
            std::size_t j = i + 3;
            if (j > w.size() || unquote(w[j - 1]) != "in") j = w.size();
            for (; j < w.size() && !separator(w[j]) && w[j] != "do"; ++j) {
                if (w[j].find_first_of("*?") != std::string_view::npos) c.add(w[j]);
            }
        } else if (word == "--env-file" && i + 1 < w.size()) {
            c.add(w[i + 1]);  // docker run, docker compose, node --env-file
        } else if (word.starts_with("--env-file=")) {
            c.add(word.substr(11));
        }
    }
    end_helm();
}

// The `name:` values of a YAML text, at most 16: a ConfigMap's or Secret's own, a generator's.
std::vector<std::string> yaml_names(std::string_view text) {
    std::vector<std::string> out;
    analyze::each_line(text, [&](int, std::string_view raw) {
        std::string_view l = analyze::trim_blanks(raw);
        if (l.starts_with("- ")) l = analyze::trim_blanks(l.substr(2));
        if (!l.starts_with("name:") || out.size() >= 16) return;
        const std::string_view v = unquote(analyze::trim_blanks(l.substr(5)));
        if (!v.empty()) out.emplace_back(v);
    });
    return out;
}

// Whether the pull request added a line inside package.json's top-level `"config": {` block.
bool npm_config_changed(const diff::ChangedFile& f, std::string_view text) {
    bool in = false;
    std::size_t lead = 0;
    bool found = false;
    analyze::each_line(text, [&](int no, std::string_view raw) {
        if (found) return;
        const std::size_t l = raw.find_first_not_of(" \t");
        const std::string_view t = analyze::trim_blanks(raw);
        if (!in && t.starts_with("\"config\"") && t.ends_with("{") && l <= 2) {
            in = true;
            lead = l;
            return;
        }
        if (!in) return;
        if (t.starts_with("}") && l <= lead) {
            in = false;
            return;
        }
        if (f.all_lines_new || f.touches(no, no)) found = true;
    });
    return found;
}

bool yaml_path(std::string_view p) { return p.ends_with(".yaml") || p.ends_with(".yml"); }

// A manifest whose container takes `envFrom: - configMapRef: name: X` (or `secretRef:`) reads its
// values from the ConfigMap or Secret X: a manifest of its folder, or a kustomization's
// `configMapGenerator`/`secretGenerator` with `envs:`, `files:` or `literals:` (kubernetes.io,
// "Configure a Pod to Use a ConfigMap"; kubectl.docs.kubernetes.io, configMapGenerator; red team
// R90 F2). For each such file the pull request changes, the manifests of its folder that take one
// of its names are readers. At most 256 manifests read.
analyze::Result<bool> env_from_readers(const diff::Repository& repo, const diff::ChangeSet& changes, const std::vector<std::string>& tree_files,
                                       const std::function<bool(std::string_view)>& in_tree, std::uint64_t max_bytes, std::set<std::string>& out,
                                       std::vector<std::string>& unread) {
    const auto kustomization = [&](std::string_view folder) -> std::string {
        for (std::string_view n : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
            std::string p = folder.empty() ? std::string(n) : std::string(folder) + "/" + std::string(n);
            if (in_tree(p)) return p;
        }
        return {};
    };
    const auto wanted = [&](std::string_view p) { return yaml_path(p) || !kustomization(analyze::path_folder(p)).empty(); };
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, wanted, {}, max_bytes);
    if (!changed) return changed.error();
    const auto read = [&](const std::string& p) -> analyze::Result<std::optional<std::string>> {
        auto stored = repo.read_file_bounded(changes.head_sha, p, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) return std::optional<std::string>();
        return std::optional<std::string>(std::move(*(*stored)->text));
    };
    std::map<std::string, std::set<std::string>> names_in;  // folder -> the ConfigMap and Secret names changed there
    for (const auto& f : *changed) {
        if (f.kind != diff::EntryKind::file || f.path.empty()) continue;
        const std::string folder(analyze::path_folder(f.path));
        std::vector<std::string> names;
        if (yaml_path(f.path)) {
            auto text = read(f.path);
            if (!text) return text.error();
            if (*text && ((*text)->find("kind: ConfigMap") != std::string::npos || (*text)->find("kind: Secret") != std::string::npos)) {
                names = yaml_names(**text);
            }
        }
        if (const std::string k = kustomization(folder); !k.empty()) {
            auto text = read(k);
            if (!text) return text.error();
            if (*text && ((*text)->find("Generator") != std::string::npos)) {
                for (auto& n : yaml_names(**text)) names.push_back(std::move(n));
            }
        }
        if (!names.empty() && names_in.size() < 64) names_in[folder].insert(names.begin(), names.end());
    }
    std::size_t reads = 0;
    for (const auto& [folder, names] : names_in) {
        const std::string prefix = folder.empty() ? std::string() : folder + "/";
        for (auto t = std::lower_bound(tree_files.begin(), tree_files.end(), prefix); t != tree_files.end() && t->starts_with(prefix); ++t) {
            if (!yaml_path(*t) || t->find('/', prefix.size()) != std::string::npos) continue;
            if (reads++ >= 256) {
                unread.push_back(*t);
                continue;
            }
            auto text = read(*t);
            if (!text) return text.error();
            if (!*text || ((*text)->find("configMapRef:") == std::string::npos && (*text)->find("secretRef:") == std::string::npos)) continue;
            for (const auto& n : yaml_names(**text)) {
                if (names.contains(n)) {
                    out.insert(*t);
                    break;
                }
            }
        }
    }
    return true;
}

}  // namespace

bool reads_computed_word(std::string_view line) {
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        const char n = line[i + 1];
        if (line[i] == '$' && (name_char(n) || n == '{' || n == '(' || n == '@' || n == '*')) return true;
        if (line[i] == '{' && n == '{') return true;
    }
    return false;
}

ValueSources value_sources(std::string_view path, std::string_view view, std::string_view text,
                           const std::function<bool(std::string_view)>& in_tree) {
    ValueSources out;
    const std::string_view name = analyze::path_name(view);
    const std::string folder(analyze::path_folder(path));
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    const bool make = tools::make_file_name(name), just = tools::just_file_name(name);
    Collector c{out, {}, &in_tree};
    std::vector<std::string> script_folders;
    // Where the commands run: make's and just's in their file's folder (make's include is tried at the
    // top too, as deploy_commands.cpp reads it); a workflow's at the top; a script's cwd is not known,
    // so its folder and the top.
    const bool script = name.ends_with(".sh") || name.ends_with(".bash");
    if (tools::runs_from_top(path) && !script) {
        c.folders = {""};
    } else if (make || just || (yaml && (name.starts_with("docker-compose") || name.starts_with("compose") || name.starts_with("Taskfile") ||
                                         name.starts_with("taskfile")))) {
        c.folders = {folder};
    } else {
        c.folders = {folder, ""};
    }
    if (make || just) {
        for (const auto& f : tools::included_files(path, text, make)) {
            if (f.path.empty()) {
                c.add(f.word);  // `include config/$(ENV).mk`, `include mk/*.mk`: their folders
            } else if (out.files.size() < k_most_files) {
                out.files.push_back(f.path);
                if (make) {
                    c.folders = {""};
                    c.add(f.word);
                    c.folders = {folder};
                }
            }
        }
    }
    // nx loads `.env`, `.env.local` and `.local.env` at the workspace's root and in the project's
    // root for each task (nx.dev, "Define Environment Variables"; red team R90 F2).
    if (name == "project.json" || name == "nx.json") {
        c.folders = name == "nx.json" ? std::vector<std::string>{folder} : std::vector<std::string>{folder, ""};
        for (std::string_view f : {".env", ".env.local", ".local.env"}) c.add(f);
    }
    // Compose reads `.env` in the project folder for the `${VAR}` it interpolates (docs.docker.com,
    // "Set environment variables": "the .env file ... in the project directory").
    if (yaml && (name.starts_with("docker-compose") || name.starts_with("compose"))) c.add(".env");
    bool in_env_file = false, in_include = false, dotenv = false;
    std::size_t list_lead = 0;
    analyze::each_line(text, [&](int no, std::string_view raw) {
        if (out.files.size() >= k_most_files) return;
        c.line = no;
        const std::string_view l = analyze::trim_blanks(raw);
        if (l.empty() || l.front() == '#') return;
        const std::size_t lead = raw.find_first_not_of(" \t");
        if (yaml) {
            // compose's `env_file: F` or its list; GitLab's `include: F`, `include: [..]`, `- local: F`, `- F`.
            if ((in_env_file || in_include) && l.starts_with("- ") && lead >= list_lead) {
                std::string_view item = analyze::trim_blanks(l.substr(2));
                if (in_include && item.starts_with("local:")) {
                    item = analyze::trim_blanks(item.substr(6));
                    while (item.starts_with("/")) item.remove_prefix(1);  // GitLab: a local path is from the top, `/` or not
                    c.add(item, true);
                } else if (in_env_file && item.starts_with("path:")) {
                    c.add(analyze::trim_blanks(item.substr(5)));
                } else if (in_include && item.find(':') == std::string_view::npos) {
                    while (!item.empty() && (item.front() == '/' || item.front() == '"' || item.front() == '\'')) item.remove_prefix(1);
                    c.add(item, true);
                } else if (in_env_file && item.find(':') == std::string_view::npos) {
                    c.add(item);
                }
                return;
            }
            if (in_include && l.starts_with("local:") && lead > list_lead) {
                std::string_view item = analyze::trim_blanks(l.substr(6));
                while (!item.empty() && (item.front() == '/' || item.front() == '"' || item.front() == '\'')) item.remove_prefix(1);
                c.add(item, true);
                return;
            }
            if (lead <= list_lead) in_env_file = in_include = false;
            // Task's `dotenv:` list, relative to the Taskfile's folder (taskfile.dev, "Environment variables").
            for (std::string_view key : {"env_file:", "include:", "dotenv:"}) {
                if (!l.starts_with(key)) continue;
                const bool inc = key == "include:";
                if (inc && !(lead == 0 && (path.find("gitlab") != std::string_view::npos))) continue;
                if (key == "dotenv:" && !(name.starts_with("Taskfile") || name.starts_with("taskfile"))) continue;
                (inc ? in_include : in_env_file) = true;
                list_lead = lead;
                std::string_view v = analyze::trim_blanks(l.substr(key.size()));
                if (v.starts_with("[")) v.remove_prefix(1);
                for (std::size_t s = 0; s < v.size() && !v.empty();) {
                    const std::size_t comma = v.find(',', s);
                    std::string_view item = analyze::trim_blanks(v.substr(s, comma == std::string_view::npos ? std::string_view::npos : comma - s));
                    if (inc) {
                        while (!item.empty() && (item.front() == '/' || item.front() == '"' || item.front() == '\'')) item.remove_prefix(1);
                    }
                    if (!item.empty() && item.find(':') == std::string_view::npos) c.add(item, inc);
                    if (comma == std::string_view::npos) break;
                    s = comma + 1;
                }
            }
        }
        // just manual, "Settings": `set dotenv-load` loads `.env`; `dotenv-filename` names another
        // file and `dotenv-path` a path, both relative to the working directory (the justfile's);
        // just looks for the file there and in the folders above (src/load_dotenv.rs).
        if (just && l.starts_with("set ")) {
            const std::string_view s = analyze::trim_blanks(l.substr(4));
            const std::size_t assign = s.find(":=");
            const std::string_view value = assign == std::string_view::npos ? std::string_view() : analyze::trim_blanks(s.substr(assign + 2));
            if (s.starts_with("dotenv-load")) {
                dotenv = value.empty() || value == "true";
            } else if (s.starts_with("dotenv-filename") || s.starts_with("dotenv-path")) {
                for (std::string f = folder;; f = std::string(analyze::path_folder(f))) {
                    c.folders = {f};
                    c.add(value);
                    if (f.empty() || s.starts_with("dotenv-path")) break;
                }
                c.folders = {folder};
            }
        }
        shell_line(script_folder_words(l, script_folders), c);
    });
    if (dotenv) {
        for (std::string f = folder;; f = std::string(analyze::path_folder(f))) {
            c.folders = {f};
            c.add(".env");
            if (f.empty()) break;
        }
    }
    return out;
}

analyze::Result<std::set<std::string>> value_file_readers(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                          const std::map<std::string, std::string>& command_files, std::uint64_t max_bytes,
                                                          std::vector<std::string>& unread,
                                                          std::map<std::string, std::set<std::string>>& npm_runs) {
    constexpr std::size_t k_most_readers = 4096;  // command files read: each read once
    std::set<std::string> out;
    std::map<std::string, std::vector<std::string>> readers;         // value file -> the command files that read it
    std::map<std::string, std::vector<std::string>> folder_readers;  // folder of a computed one -> the same
    std::map<std::string, std::vector<std::string>> under_readers;   // a computed one's literal folder, and below -> the same
    std::map<std::string, std::vector<std::string>> npm_readers;     // a package.json whose scripts they run -> the same
    // The head's regular files, listed once: a command file's word that names one is a value file.
    auto tree_files = repo.list_files(changes.head_sha, [](std::string_view p) {
        return p.find("node_modules/") == std::string_view::npos && p.find("vendor/") == std::string_view::npos;
    });
    if (!tree_files) return tree_files.error();
    const std::unordered_set<std::string_view> tree(tree_files->begin(), tree_files->end());
    const std::function<bool(std::string_view)> in_tree = [&](std::string_view p) { return tree.contains(p); };
    // The head's command files by name (tools::command_file), and the scripts they run.
    auto named = repo.list_files(changes.head_sha, [](std::string_view p) {
        return tools::command_file(p) && p.find("node_modules/") == std::string_view::npos && p.find("vendor/") == std::string_view::npos;
    });
    if (!named) return named.error();
    std::map<std::string, std::string> files = command_files;
    for (const auto& p : *tree_files) {
        const std::string_view n = analyze::path_name(p);
        if ((n == "project.json" || n == "nx.json") && files.size() < k_most_readers) files.emplace(p, p);  // nx's targets
    }
    for (auto& p : *named) {
        if (files.size() >= k_most_readers) {
            if (!files.contains(p)) unread.push_back(p);
            continue;
        }
        std::string view = p;
        files.emplace(std::move(p), std::move(view));
    }
    std::set<std::string> for_templates;
    std::vector<std::pair<std::string, std::string>> helm_values;
    // `helm ... --set k=v` on line N of a command file: a change of that line gives the chart other
    // values, as a changed `-f` file does (red team R90 F2). Keyed "\n" + path, which is no file.
    std::map<std::string, std::vector<int>> helm_set;
    std::size_t read = 0;
    for (const auto& [path, view] : files) {
        if (read++ >= k_most_readers) {
            unread.push_back(path);
            continue;
        }
        auto stored = repo.read_file_bounded(changes.head_sha, path, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!stored) return stored.error();
        if (!*stored) continue;
        if (!(*stored)->text) {
            unread.push_back(path);  // larger than pgfence reads
            continue;
        }
        const ValueSources s = value_sources(path, view, *(*stored)->text, in_tree);
        for (const auto& f : s.files) {
            if (f != path) readers[f].push_back(path);
        }
        for (const auto& f : s.computed_in) folder_readers[f].push_back(path);
        for (const auto& f : s.computed_under) under_readers[f].push_back(path);
        for (const auto& f : s.npm_files) npm_readers[f].push_back(path);
        for_templates.insert(s.for_templates.begin(), s.for_templates.end());
        for (const auto& h : s.helm_values) {
            if (helm_values.size() < 4096) helm_values.push_back(h);
        }
        for (const auto& [line, word] : s.helm_set) {
            if (helm_values.size() < 4096) helm_values.emplace_back("\n" + path, word);
            helm_set[path].push_back(line);
        }
    }
    // Helm's chart templates and Ansible's task files, which no command file names (red team R89b F5).
    auto listed = repo.list_files(changes.head_sha, [](std::string_view p) {
        return template_values_listed(p) && p.find("node_modules/") == std::string_view::npos && p.find("vendor/") == std::string_view::npos;
    });
    if (!listed) return listed.error();
    const auto read_text = [&](const std::string& p) -> analyze::Result<std::optional<std::string>> {
        auto stored = repo.read_file_bounded(changes.head_sha, p, std::min(max_bytes, tools::k_most_settings_bytes));
        if (!stored) return stored.error();
        if (!*stored || !(*stored)->text) return std::optional<std::string>();
        return std::optional<std::string>(std::move(*(*stored)->text));
    };
    auto templates = template_values(*listed, for_templates, helm_values, read_text, k_most_readers - std::min(read, k_most_readers));
    if (!templates) return templates.error();
    unread.insert(unread.end(), templates->unread.begin(), templates->unread.end());
    if (auto env_from = env_from_readers(repo, changes, *tree_files, in_tree, max_bytes, out, unread); !env_from) return env_from.error();
    if (readers.empty() && folder_readers.empty() && under_readers.empty() && npm_readers.empty() && templates->readers.empty()) return out;
    // A value file that is a symbolic link reads its target (red team R90 F1).
    auto links = repo.list_links(changes.head_sha);
    if (!links) return links.error();
    for (const auto& [link, text] : *links) {
        const auto r = readers.find(link);
        if (r == readers.end()) continue;
        std::string target = tools::repository_path(analyze::path_folder(link), text);
        if (target.empty() || target == link) continue;
        std::vector<std::string> by = r->second;
        auto& into = readers[target];
        into.insert(into.end(), by.begin(), by.end());
    }
    // A submodule at or above a watched path or folder: its change may change the value (R90 F1).
    std::set<std::string> above;
    const auto add_above = [&](std::string_view p, bool self) {
        for (std::string f(self ? p : analyze::path_folder(p)); !f.empty() && above.insert(f).second; f = std::string(analyze::path_folder(f))) {
        }
    };
    for (const auto& [p, _] : readers) add_above(p, false);
    for (const auto& [p, _] : folder_readers) add_above(p, true);
    for (const auto& [p, _] : under_readers) add_above(p, true);
    const auto under_of = [&](std::string_view p, auto&& fn) {
        for (std::string f(analyze::path_folder(p));; f = std::string(analyze::path_folder(f))) {
            if (const auto r = under_readers.find(f); r != under_readers.end()) fn(r->second);
            if (f.empty()) break;
        }
    };
    const auto wanted = [&](std::string_view p) {
        bool under = false;
        under_of(p, [&](const auto&) { under = true; });
        return under || above.contains(std::string(p)) || npm_readers.contains(std::string(p)) || helm_set.contains(std::string(p)) || readers.contains(std::string(p)) ||
               folder_readers.contains(std::string(analyze::path_folder(p))) || templates->wanted(p);
    };
    auto changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, wanted, {}, max_bytes);
    if (!changed) return changed.error();
    for (const auto& f : *changed) {
        // A package.json whose `config` block changed: the command files that run its scripts.
        if (const auto n = npm_readers.find(f.path); n != npm_readers.end() && f.status != diff::ChangeStatus::Deleted) {
            auto text = repo.read_file_bounded(changes.head_sha, f.path, std::min(max_bytes, tools::k_most_settings_bytes));
            if (!text) return text.error();
            if (*text && (*text)->text && npm_config_changed(f, *(*text)->text)) npm_runs[f.path].insert(n->second.begin(), n->second.end());
        }
        for (const std::string* p : {&f.path, &f.old_path}) {
            if (p->empty()) continue;
            if (const auto r = readers.find(*p); r != readers.end()) out.insert(r->second.begin(), r->second.end());
            under_of(*p, [&](const std::vector<std::string>& by) {
                for (const auto& c : by) {
                    if (c != *p) out.insert(c);
                }
            });
            if (const auto h = helm_set.find(*p); h != helm_set.end() && p == &f.path) {
                if (std::any_of(h->second.begin(), h->second.end(), [&](int n) { return f.all_lines_new || f.touches(n, n); })) {
                    templates->readers_of("\n" + *p, out);
                }
            }
            if (f.kind == diff::EntryKind::submodule && p == &f.path) {
                const std::string inside = *p + "/";
                for (const auto* m : {&readers, &folder_readers, &under_readers}) {
                    for (auto r = m->lower_bound(inside); r != m->end() && r->first.starts_with(inside); ++r) out.insert(r->second.begin(), r->second.end());
                    if (const auto r = m->find(*p); r != m->end()) out.insert(r->second.begin(), r->second.end());
                }
            }
            templates->readers_of(*p, out);
            if (const auto r = folder_readers.find(std::string(analyze::path_folder(*p))); r != folder_readers.end()) {
                for (const auto& c : r->second) {
                    if (c != *p) out.insert(c);
                }
            }
        }
    }
    return out;
}

}  // namespace pgfence::bot
