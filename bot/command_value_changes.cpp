#include "bot/command_value_changes.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/manifest_templates.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/yaml_exec.hpp"
#include "bot/value_sources.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

constexpr std::size_t k_most_names = 256;
constexpr std::size_t k_most_ancestors = 8;
constexpr std::size_t k_most_callees = 64;

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.'; }
bool shell_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
std::string_view trim_end(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// What one line sets: `KEY: value` (YAML), `"KEY": value` (JSON), `KEY=value` (shell), `KEY :=
// value` (make), after list dashes and `export `. `key` empty when it sets none; `column` is where
// the key starts, `lead` where the line's text does (a list item's dash).
struct LineKey {
    std::string_view key, value;
    std::size_t column = 0, lead = 0;
};

LineKey line_key(std::string_view line) {
    LineKey out;
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    out.lead = i;
    while (i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ') {
        i += 2;
        while (i < line.size() && line[i] == ' ') ++i;
    }
    out.column = i;
    std::string_view rest = line.substr(i);
    if (rest.starts_with("export ")) {
        rest.remove_prefix(7);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
    char quote = 0;
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
        quote = rest.front();
        rest.remove_prefix(1);
    }
    std::size_t n = 0;
    while (n < rest.size() && key_char(rest[n])) ++n;
    if (n == 0) return out;
    const std::string_view key = rest.substr(0, n);
    rest.remove_prefix(n);
    if (quote != 0) {
        if (rest.empty() || rest.front() != quote) return out;
        rest.remove_prefix(1);
    }
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    std::size_t op = 0;
    if (rest.starts_with("::=")) op = 3;
    else if (rest.starts_with(":=") || rest.starts_with("?=") || rest.starts_with("+=") || rest.starts_with("!=")) op = 2;
    // A quoted key (JSON's `"task":"x"`) needs no space after its colon; a bare one does (`migrate:latest` is a value).
    else if (rest.starts_with("=") || (rest.starts_with(":") && (quote != 0 || rest.size() == 1 || rest[1] == ' ' || rest[1] == '\t' || rest[1] == '\r'))) op = 1;
    if (op == 0) return out;
    out.key = key;
    out.value = rest.substr(op);
    while (!out.value.empty() && (out.value.front() == ' ' || out.value.front() == '\t')) out.value.remove_prefix(1);
    while (!out.value.empty() && (out.value.back() == ' ' || out.value.back() == '\r' || out.value.back() == '\t')) out.value.remove_suffix(1);
    return out;
}

// Calls `f(line number, line, key, the keys it is nested under nearest first)` for each line of
// `text` that is not blank or a comment, reading nesting by indentation in one pass (YAML, JSON,
// a Makefile's recipes under their target).
template <class F>
void each_nested_line(std::string_view text, F f) {
    struct Open {
        std::size_t column;
        std::string_view key;
    };
    std::vector<Open> open;
    int no = 0;
    std::vector<std::string_view> ancestors;
    for (std::size_t at = 0; at <= text.size();) {
        ++no;
        const std::size_t nl = text.find('\n', at);
        const std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        const LineKey k = line_key(line);
        if (k.lead >= line.size() || line[k.lead] == '#' || line[k.lead] == '\r') continue;
        while (!open.empty() && open.back().column >= k.lead) open.pop_back();
        ancestors.clear();
        for (std::size_t i = open.size(); i > 0 && ancestors.size() < k_most_ancestors; --i) ancestors.push_back(open[i - 1].key);
        f(no, line, k, ancestors);
        if (!k.key.empty()) open.push_back(Open{k.column, k.key});
    }
}

// Whether line `no` is one the pull request added; `next` walks `file.added` forward (lines come in order).
bool added_line(const diff::ChangedFile& file, std::size_t& next, int no) {
    if (file.status == diff::ChangeStatus::Deleted) return false;
    if (file.all_lines_new) return true;
    while (next < file.added.size() && file.added[next].last < no) ++next;
    return next < file.added.size() && file.added[next].first <= no;
}

// The name a list item gives the value under it: Kubernetes' `- name: N` with `value:` or
// `valueFrom:` (a container's env, kubernetes.io "Define dependent environment variables": the
// command reads `$N` in a shell, or `$(N)` Kubernetes expands itself). Fed each line in order.
struct ItemName {
    std::size_t column = std::string_view::npos;
    std::string_view name;
    void see(const LineKey& k, std::string_view line) {
        const bool item = k.column > k.lead && line[k.lead] == '-';
        if (item || (column != std::string_view::npos && k.lead < column)) {
            column = item ? k.column : std::string_view::npos;
            name = {};
        }
        if (k.key == "name" && k.lead <= column && (item || k.column == column)) {
            name = k.value;
            if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front()) name = name.substr(1, name.size() - 2);
        }
    }
    // The name a line under the item sets: its `value:`, or a line of its `valueFrom:`.
    [[nodiscard]] std::string_view sets(const LineKey& k, const std::vector<std::string_view>& ancestors) const {
        if (name.empty() || k.lead < column) return {};
        if (k.key == "value" || k.key == "valueFrom" || std::find(ancestors.begin(), ancestors.end(), "valueFrom") != ancestors.end()) return name;
        return {};
    }
};

// Adds the names one line sets to `out`: its key, the keys it is nested under (an input's `default:`
// under `task:`, a GitLab `variables:` entry's `value:`), its list item's `name:` (ItemName), and
// npm's `npm_package_config_KEY` for a key of package.json's `config`.
void add_names(const LineKey& k, const std::vector<std::string_view>& ancestors, std::string_view item, std::set<std::string>& out) {
    if (k.key == "description") return;  // an input's description changes no value
    if (!k.key.empty()) out.emplace(k.key);
    // npm sets each key of package.json's "config" as npm_package_config_KEY (npm's
    // @npmcli/run-script lib/package-envs.js walks the package's fields, `config` among them).
    if (!k.key.empty() && !ancestors.empty() && ancestors.front() == "config") out.emplace("npm_package_config_" + std::string(k.key));
    for (std::string_view a : ancestors) out.emplace(a);
    if (!item.empty()) out.emplace(item);
}

// The names the pull request's lines set: each line of the head's `text` it added, and each line
// of the base's `base` it removed (a deleted `KNEX_TASK:` changes the value as an edited one does).
// A removed line is one the base has more times than the head: linear in both texts.
std::set<std::string> changed_names(const diff::ChangedFile& file, std::string_view text, const std::optional<std::string>& base) {
    std::set<std::string> out;
    std::size_t next = 0;
    ItemName item;
    each_nested_line(text, [&](int no, std::string_view line, const LineKey& k, const std::vector<std::string_view>& ancestors) {
        item.see(k, line);
        if (out.size() >= k_most_names || !added_line(file, next, no)) return;
        add_names(k, ancestors, item.sets(k, ancestors), out);
    });
    if (!base || file.all_lines_new) return out;
    std::unordered_map<std::string_view, std::size_t> head_lines;
    each_nested_line(text, [&](int, std::string_view line, const LineKey&, const std::vector<std::string_view>&) { ++head_lines[trim_end(line)]; });
    ItemName base_item;
    each_nested_line(*base, [&](int, std::string_view line, const LineKey& k, const std::vector<std::string_view>& ancestors) {
        base_item.see(k, line);
        auto& left = head_lines[trim_end(line)];
        if (left > 0) {
            --left;
            return;
        }
        if (out.size() < k_most_names) add_names(k, ancestors, base_item.sets(k, ancestors), out);
    });
    return out;
}

// Whether the pull request added or removed a line of the file that is not blank or a comment.
bool changed_any_line(const diff::ChangedFile& file, std::string_view text, const std::optional<std::string>& base) {
    if (!base || file.all_lines_new) return true;
    bool changed = false;
    std::size_t next = 0;
    std::unordered_map<std::string_view, std::size_t> head_lines;
    each_nested_line(text, [&](int no, std::string_view line, const LineKey&, const std::vector<std::string_view>&) {
        ++head_lines[trim_end(line)];
        if (!changed && added_line(file, next, no)) changed = true;
    });
    if (changed) return true;
    each_nested_line(*base, [&](int, std::string_view line, const LineKey&, const std::vector<std::string_view>&) {
        auto& left = head_lines[trim_end(line)];
        if (left == 0) changed = true;
        else --left;
    });
    return changed;
}

// The names a command line reads: `$NAME`, `${NAME}`, make's `$(NAME)`, and the names after a dot
// in an expression `${{ inputs.task }}`, `${{ env.TASK }}`. At most 32.
std::vector<std::string> read_names(std::string_view line) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < line.size() && out.size() < 32; ++i) {
        if (line[i] != '$' || i + 1 >= line.size()) continue;
        if (line.substr(i + 1).starts_with("{{")) {
            const std::size_t end = line.find("}}", i + 3);
            if (end == std::string_view::npos) break;
            const std::string_view expr = line.substr(i + 3, end - i - 3);
            for (std::size_t j = 0; j < expr.size(); ++j) {
                if (expr[j] != '.') continue;
                std::size_t n = j + 1;
                while (n < expr.size() && (shell_name_char(expr[n]) || expr[n] == '-')) ++n;
                if (n > j + 1) out.emplace_back(expr.substr(j + 1, n - j - 1));
            }
            i = end + 1;
            continue;
        }
        std::size_t s = i + 1;
        if (line[s] == '{' || line[s] == '(') ++s;
        std::size_t n = s;
        while (n < line.size() && shell_name_char(line[n])) ++n;
        if (n > s) out.emplace_back(line.substr(s, n - s));
        i = n - 1;
    }
    return out;
}

// The files a workflow's or package.json's lines may run: each word with a `/` or ending `.sh` or
// `.bash` (a script, a manifest `kubectl apply -f` takes), and the Makefile or justfile for `make`,
// `just`. One that is no file of the head is not read. At most 64.
std::vector<std::string> named_callees(std::string_view text, std::string_view self) {
    std::vector<std::string> run;
    const auto path_char = [](char c) { return shell_name_char(c) || c == '.' || c == '/' || c == '-'; };
    analyze::each_line(text, [&](int, std::string_view line) {
        for (std::size_t i = 0; i < line.size() && run.size() < k_most_callees;) {
            if (!path_char(line[i])) {
                ++i;
                continue;
            }
            std::size_t e = i;
            while (e < line.size() && path_char(line[e])) ++e;
            std::string_view w = line.substr(i, e - i);
            i = e;
            while (w.starts_with("./")) w.remove_prefix(2);
            if (w == "make") {
                run.emplace_back("Makefile");
            } else if (w == "just") {
                run.emplace_back("justfile");
            } else if (!w.empty() && w.front() != '/' && w.front() != '.' && w.find("..") == std::string_view::npos &&
                       (w.find('/') != std::string_view::npos || w.ends_with(".sh") || w.ends_with(".bash")) && w != self) {
                run.emplace_back(w);
            }
        }
    });
    return run;
}

}  // namespace

void add_npm_config_values(const diff::ChangedFile& file, std::string_view text, CallerValues& out) {
    // npm gives a script `npm_package_config_<key>` for each key of package.json's `config`
    // (docs.npmjs.com, "scripts": "package.json vars"; red team R90 F2): a changed key's name goes
    // to the command files its scripts run.
    std::set<std::string> names;
    std::size_t next = 0;
    each_nested_line(text, [&](int no, std::string_view, const LineKey& k, const std::vector<std::string_view>& ancestors) {
        if (!added_line(file, next, no) || ancestors.empty() || ancestors.front() != "config" || ancestors.size() > 2) return;
        if (!k.key.empty() && names.size() < k_most_names) names.insert("npm_package_config_" + std::string(k.key));
    });
    if (names.empty()) return;
    out[file.path].insert(names.begin(), names.end());  // its own scripts: `"db": "knex $npm_package_config_task"`
    for (const auto& c : named_callees(text, file.path)) {
        if (out.size() >= 4 * k_most_callees && !out.contains(c)) break;
        out[c].insert(names.begin(), names.end());
    }
}

void add_caller_values(const diff::ChangedFile& file, std::string_view text, CallerValues& out) {
    std::vector<std::string> callees;
    std::set<std::string> keys, env_keys;
    std::size_t next = 0;
    each_nested_line(text, [&](int no, std::string_view, const LineKey& k, const std::vector<std::string_view>& ancestors) {
        if (k.key == "uses" && callees.size() < 2 * k_most_callees) {
            std::string_view v = k.value;
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
            // A local action or reusable workflow: a path from the repository's root (GitHub's
            // "uses: ./path"; docs.github.com, Workflow syntax, jobs.<job_id>.steps[*].uses).
            if (v.starts_with("./") && v.find("..") == std::string_view::npos) {
                std::string p(v.substr(2));
                while (!p.empty() && p.back() == '/') p.pop_back();
                if (p.ends_with(".yml") || p.ends_with(".yaml")) {
                    callees.push_back(p);
                } else {
                    callees.push_back(p + "/action.yml");
                    callees.push_back(p + "/action.yaml");
                }
            }
        }
        if (!added_line(file, next, no)) return;
        // The key directly under a `with:` this line is, or is nested in.
        std::string_view under_with = k.key;
        for (std::string_view a : ancestors) {
            if (a == "with" || a == "env") {
                auto& into = a == "with" ? keys : env_keys;
                if (!under_with.empty() && into.size() < k_most_names) into.emplace(under_with);
                break;
            }
            under_with = a;
        }
    });
    // A workflow's `env:` (workflow, job or step) gives its names to the command files its steps run
    // (red team R90 F2): a script, a Makefile or justfile (`make`, `just`), a manifest applied. Each
    // word of the file that may name one; one that is no file of the head is not read.
    if (!env_keys.empty()) {
        const std::vector<std::string> run = named_callees(text, file.path);
        for (const auto& c : run) {
            if (out.size() >= 4 * k_most_callees && !out.contains(c)) break;
            out[c].insert(env_keys.begin(), env_keys.end());
        }
    }
    if (keys.empty()) return;
    for (const auto& c : callees) {
        if (out.size() >= 4 * k_most_callees && !out.contains(c)) break;  // past 256 callees, the rest is not followed
        out[c].insert(keys.begin(), keys.end());
    }
}

std::vector<tools::CommandUnknown> changed_command_unknowns(const diff::ChangedFile& file, std::string_view view, std::string_view head,
                                                            const std::optional<std::string>& base, const tools::ReadFile& head_read,
                                                            const tools::ReadFile& base_read, const std::set<std::string>& caller_names,
                                                            bool values_changed) {
    std::vector<tools::CommandUnknown> out;
    auto found = tools::deploy_command_unknowns(view, head, head_read);
    if (found.empty()) return out;
    // The base's unknowns as they read: one the head has as it is was there before the pull request.
    std::vector<std::string> before;
    if (base) {
        for (auto& c : tools::deploy_command_unknowns(view, *base, base_read)) before.push_back(std::move(c.why));
    }
    std::sort(before.begin(), before.end());
    std::set<std::string> names = changed_names(file, head, base);
    // A shell script, Makefile, justfile or Taskfile sets values in more ways than a key reader
    // follows (`local`, `readonly`, `declare`, `printf -v`, a `case` arm, `set --`, a heredoc, make's
    // `define` and target-specific variables, a just recipe's parameters: red team R89b F4): any line
    // the pull request adds or removes may give a computed word its value. So may a file the command
    // file reads values from (bot/value_sources.hpp, `values_changed`).
    const std::string_view name = analyze::path_name(view);
    const bool whole_file = values_changed ||
                            ((name.ends_with(".sh") || name.ends_with(".bash") || tools::make_file_name(name) || tools::just_file_name(name) ||
                              ((name.starts_with("Taskfile") || name.starts_with("taskfile")) && (name.ends_with(".yml") || name.ends_with(".yaml")))) &&
                             changed_any_line(file, head, base));
    names.insert(caller_names.begin(), caller_names.end());
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '\n') starts.push_back(i + 1);
    }
    for (auto& c : found) {
        bool report = file.touches(c.line, c.line) || std::any_of(c.uses.begin(), c.uses.end(), [&](int u) { return file.touches(u, u); });
        // New, or resolved to other words (a changed `args:` item, a make variable): it did not run before.
        if (!report) report = !base || !std::binary_search(before.begin(), before.end(), c.why);
        // It reads a value a changed line sets (or a caller's changed `with:`), or a computed word
        // in a file whose values changed.
        if (!report && c.line >= 1 && static_cast<std::size_t>(c.line) <= starts.size()) {
            const std::size_t from = starts[static_cast<std::size_t>(c.line) - 1];
            const std::size_t to = head.find('\n', from);
            const std::string_view line = head.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from);
            if (whole_file && reads_computed_word(line)) report = true;
            // The line's words, and those the unknown was read with (a package script `npm run db`
            // runs: `$npm_package_config_task`).
            for (const std::string_view text : {line, std::string_view(c.why)}) {
                for (const auto& n : report || names.empty() ? std::vector<std::string>() : read_names(text)) {
                    if (names.contains(n)) {
                        report = true;
                        break;
                    }
                }
            }
        }
        if (report) out.push_back(std::move(c));
    }
    return out;
}

std::vector<analyze::SettingChange> changed_exec_commands(std::string_view path, std::string_view head, const std::optional<std::string>& base) {
    std::vector<analyze::SettingChange> out;
    const std::string_view name = analyze::path_name(path);
    // A manifest under a template's name, its tags as computed words (manifest_templates.hpp, red team R90 F7).
    const bool template_file = tools::manifest_template_name(name);
    if (!name.ends_with(".yml") && !name.ends_with(".yaml") && !template_file) return out;
    const auto untag = [&](std::string_view t) { return template_file ? tools::without_manifest_template_tags(t) : std::string(t); };
    std::vector<std::string> before;
    if (base) {
        for (auto& c : tools::yaml_exec_commands(untag(*base))) before.push_back(std::move(c.command));
    }
    std::sort(before.begin(), before.end());
    for (const auto& c : tools::yaml_exec_commands(untag(head))) {
        if (!tools::tool_command_line(c.command) || std::binary_search(before.begin(), before.end(), c.command)) continue;
        std::string shown;
        for (char ch : std::string_view(c.command).substr(0, 120)) shown += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F ? '?' : ch;
        out.push_back(analyze::SettingChange{c.line, std::string(name) + ": runs " + shown + (c.command.size() > 120 ? "..." : "")});
        if (out.size() >= 64) break;
    }
    return out;
}

}  // namespace pgfence::bot
