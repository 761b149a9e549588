#include "bot/template_values.hpp"

#include <algorithm>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/ansible_tasks.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::bot {
namespace {

namespace tools = analyze::tools;

bool yaml_name(std::string_view name) { return name.ends_with(".yml") || name.ends_with(".yaml"); }

bool inventory_name(std::string_view name) {
    for (std::string_view n : {"inventory", "hosts", "inventory.ini", "hosts.ini", "inventory.yml", "inventory.yaml", "hosts.yml", "hosts.yaml"}) {
        if (name == n) return true;
    }
    return false;
}

std::string join(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

// A folder a value file lives in: not itself a task file or a template.
bool value_folder(std::string_view path) {
    for (std::string_view s : {"group_vars", "host_vars", "defaults", "vars"}) {
        const std::string mid = "/" + std::string(s) + "/";
        if (path.starts_with(std::string(s) + "/") || path.find(mid) != std::string_view::npos) return true;
    }
    return false;
}

// An unquoted YAML scalar: the text after a key or a list dash, without quotes or a comment.
std::string_view scalar(std::string_view v) {
    v = analyze::trim_blanks(v);
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = analyze::trim_blanks(v.substr(0, hash));
    while (!v.empty() && (v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '"' || v.back() == '\'')) v.remove_suffix(1);
    return v;
}

// A task file's `vars_files:` items and `include_vars:` files and folders (the module's free form,
// `file:` or `dir:`), as written; computed ones too (the caller decides). At most 64.
std::vector<std::string_view> named_vars(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t list_indent = std::string_view::npos, module_indent = std::string_view::npos;
    analyze::each_line(text, [&](int, std::string_view raw) {
        if (out.size() >= 64) return;
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        std::string_view l = analyze::trim_blanks(raw);
        if (l.front() == '#') return;
        if (list_indent != std::string_view::npos) {
            if (l.starts_with("- ") && indent >= list_indent) {
                out.push_back(scalar(l.substr(2)));
                return;
            }
            list_indent = std::string_view::npos;
        }
        if (module_indent != std::string_view::npos) {
            if (indent > module_indent && (l.starts_with("file:") || l.starts_with("dir:"))) {
                out.push_back(scalar(l.substr(l.find(':') + 1)));
                return;
            }
            if (indent <= module_indent) module_indent = std::string_view::npos;
        }
        if (l.starts_with("- ")) l = analyze::trim_blanks(l.substr(2));
        if (l.starts_with("vars_files:")) {
            const std::string_view v = analyze::trim_blanks(l.substr(11));
            if (v.empty()) {
                list_indent = indent;
            } else if (v.front() == '[') {
                for (std::string_view rest = v.substr(1); !rest.empty() && out.size() < 64;) {
                    const std::size_t comma = rest.find_first_of(",]");
                    const std::string_view item = scalar(rest.substr(0, comma));
                    if (!item.empty()) out.push_back(item);
                    if (comma == std::string_view::npos) break;
                    rest.remove_prefix(comma + 1);
                }
            }
            return;
        }
        for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy.", ""}) {
            if (!l.starts_with(prefix) || !l.substr(prefix.size()).starts_with("include_vars:")) continue;
            const std::string_view v = scalar(l.substr(prefix.size() + 13));
            if (v.empty()) {
                module_indent = indent;
            } else {
                out.push_back(v.substr(0, v.find(' ')));  // the free form: `include_vars: F` (`name=` options after it)
            }
            break;
        }
    });
    return out;
}

}  // namespace

bool template_values_listed(std::string_view path) {
    const std::string_view name = analyze::path_name(path);
    return yaml_name(name) || name == "ansible.cfg" || inventory_name(name) || name.ends_with(".ini");
}

bool TemplateValues::wanted(std::string_view path) const {
    std::set<std::string> some;
    readers_of(path, some);
    return !some.empty();
}

void TemplateValues::readers_of(std::string_view path, std::set<std::string>& out) const {
    const std::string p(path);
    const auto add = [&](const std::vector<std::string>& v) { out.insert(v.begin(), v.end()); };
    if (all_files.contains(p)) add(readers);
    if (all_helm_files.contains(p)) add(helm_templates);
    if (const auto f = files.find(p); f != files.end()) add(f->second);
    const std::string_view name = analyze::path_name(path);
    if (name.starts_with("values") && yaml_name(name)) {
        if (const auto f = values_in.find(std::string(analyze::path_folder(path))); f != values_in.end()) add(f->second);
    }
    // Every folder above it: at most the path's length of look-ups.
    for (std::string_view f = analyze::path_folder(path);; f = analyze::path_folder(f)) {
        const std::string key(f);
        if (const auto r = folders.find(key); r != folders.end()) add(r->second);
        if (all_folders.contains(key)) add(readers);
        if (f.empty()) break;
    }
    out.erase(p);
}

analyze::Result<TemplateValues> template_values(const std::vector<std::string>& listed, const std::set<std::string>& deploy_named,
                                                const std::vector<std::pair<std::string, std::string>>& helm_values,
                                                const std::function<analyze::Result<std::optional<std::string>>(const std::string&)>& read,
                                                std::size_t most_reads) {
    constexpr std::size_t k_most_readers = 4096;
    TemplateValues out;
    const std::set<std::string> present(listed.begin(), listed.end());
    // The folders that hold group_vars/ or host_vars/, roles/, ansible.cfg: an Ansible project's.
    std::set<std::string> vars_parents, ansible_roots;
    for (const auto& p : listed) {
        for (std::string_view s : {"group_vars/", "host_vars/", "roles/"}) {
            for (std::size_t at = p.find(s); at != std::string::npos; at = p.find(s, at + 1)) {
                if (at != 0 && p[at - 1] != '/') continue;
                const std::string parent = at == 0 ? std::string() : p.substr(0, at - 1);
                ansible_roots.insert(parent);
                if (s != "roles/") vars_parents.insert(parent);
                break;
            }
        }
        if (analyze::path_name(p) == "ansible.cfg") ansible_roots.insert(std::string(analyze::path_folder(p)));
    }
    const auto in_root = [&](std::string_view folder) {
        for (std::string_view f = folder;; f = analyze::path_folder(f)) {
            if (ansible_roots.contains(std::string(f))) return true;
            if (f.empty()) return false;
        }
    };
    std::size_t reads = 0;
    std::map<std::string, std::vector<std::string>> chart_templates;  // chart folder -> its templates
    for (const auto& p : listed) {
        const std::string_view name = analyze::path_name(p), folder = analyze::path_folder(p);
        if (!yaml_name(name) || tools::command_file(p) || name.starts_with("values")) continue;
        if (out.readers.size() >= k_most_readers) {
            out.unread.push_back(p);  // one is enough to say so
            break;
        }
        // A Helm template: the deepest `templates/` whose folder above holds Chart.yaml.
        std::string chart;
        bool helm = false;
        for (std::size_t at = p.rfind("templates/"); at != std::string::npos; at = at == 0 ? std::string::npos : p.rfind("templates/", at - 1)) {
            if (at != 0 && p[at - 1] != '/') continue;
            chart = at == 0 ? std::string() : p.substr(0, at - 1);
            if (present.contains(join(chart, "Chart.yaml"))) {
                helm = true;
                break;
            }
        }
        if (helm) {
            out.readers.push_back(p);
            chart_templates[chart].push_back(p);
            out.helm_templates.push_back(p);
            // A subchart (`parent/charts/X`) is given values by its parent chart's files too.
            std::vector<std::string> charts{chart};
            const std::string_view up = analyze::path_folder(chart);
            if (analyze::path_name(up) == "charts" && present.contains(join(analyze::path_folder(up), "Chart.yaml"))) {
                charts.emplace_back(analyze::path_folder(up));
            }
            // Every file of a chart's templates/ (`_helpers.tpl` too) may define a named template it
            // includes; Helm's named templates are global to a chart and its subcharts (helm.sh/docs
            // chart_template_guide/named_templates): red team R90 F3.
            out.folders[join(chart, "charts")].push_back(p);
            for (const auto& c : charts) {
                out.folders[join(c, "templates")].push_back(p);
                out.values_in[c].push_back(p);
                for (std::string_view base : {std::string_view(c), analyze::path_folder(c)}) {
                    for (std::string_view sub : {"values", "env"}) out.folders[join(base, sub)].push_back(p);
                }
            }
            continue;
        }
        // An Ansible playbook or role task file, read once to tell (ansible_tasks.hpp).
        if (value_folder(p) || !(in_root(folder) || p.find("ansible") != std::string::npos || p.find("playbook") != std::string::npos ||
                                 deploy_named.contains(p))) {
            continue;
        }
        if (reads++ >= most_reads) {
            out.unread.push_back(p);
            break;
        }
        auto text = read(p);
        if (!text) return text.error();
        if (!*text || !tools::ansible_tasks_file(p, **text)) continue;
        out.readers.push_back(p);
        // group_vars/ and host_vars/ beside it or above it (a role's tasks are below the playbook's folder).
        for (std::string_view f = folder;; f = analyze::path_folder(f)) {
            if (vars_parents.contains(std::string(f))) {
                out.folders[join(f, "group_vars")].push_back(p);
                out.folders[join(f, "host_vars")].push_back(p);
            }
            if (f.empty()) break;
        }
        // A role's defaults/ and vars/ (roles/R/tasks/x.yml); include_vars also looks in vars/.
        std::string role;
        if (const std::size_t t = p.rfind("/tasks/"); t != std::string::npos) role = p.substr(0, t);
        const bool in_role = !role.empty() && analyze::path_name(analyze::path_folder(role)) == "roles";
        if (in_role) {
            out.folders[role + "/defaults"].push_back(p);
            out.folders[role + "/vars"].push_back(p);
        }
        for (std::string_view v : named_vars(**text)) {
            if (v.empty()) continue;
            if (v.find("{{") != std::string_view::npos || v.find('$') != std::string_view::npos) {
                out.folders[std::string(in_role ? std::string_view(role) : folder)].push_back(p);  // computed: any file near it
                continue;
            }
            for (const std::string& base : {std::string(folder), in_role ? role + "/vars" : std::string(), in_role ? role : std::string()}) {
                if (std::string f = tools::repository_path(base, v); !f.empty()) {
                    out.files[f].push_back(p);
                    out.folders[f].push_back(p);  // `include_vars: dir:` or a folder
                }
                if (!in_role) break;
            }
        }
    }
    if (out.readers.empty()) return out;
    // `helm -f F`: the named chart's templates, its subcharts' (`chart/charts/X`) too; every chart's
    // when the command names no chart folder of the repository (a chart from a registry, a computed path).
    std::map<std::string, std::set<std::string>> charts_of;
    for (const auto& [file, word] : helm_values) {
        auto& charts = charts_of[file];
        if (!word.empty() && chart_templates.contains(word)) charts.insert(word);
    }
    for (const auto& [file, charts] : charts_of) {
        if (charts.empty()) {
            out.all_helm_files.insert(file);
            continue;
        }
        auto& into = out.files[file];
        for (const auto& c : charts) {
            const std::string sub = c + "/charts/";
            if (const auto t = chart_templates.find(c); t != chart_templates.end()) into.insert(into.end(), t->second.begin(), t->second.end());
            for (auto t = chart_templates.lower_bound(sub); t != chart_templates.end() && t->first.starts_with(sub); ++t) {
                into.insert(into.end(), t->second.begin(), t->second.end());
            }
        }
    }
    // The inventory every play reads: `inventory`, `hosts` in an Ansible project's folders, what an
    // ansible.cfg's `inventory =` names (relative to it), what a deploy command gives with `-i`,
    // and the group_vars/ and host_vars/ beside each.
    std::vector<std::string> inventories;
    for (const auto& p : listed) {
        const std::string_view name = analyze::path_name(p), folder = analyze::path_folder(p);
        if (inventory_name(name) && (in_root(folder) || p.find("inventor") != std::string::npos)) inventories.push_back(p);
        if (name != "ansible.cfg") continue;
        if (reads++ >= most_reads) {
            out.unread.push_back(p);
            continue;
        }
        auto text = read(p);
        if (!text) return text.error();
        if (!*text) continue;
        analyze::each_line(**text, [&](int, std::string_view l) {
            l = analyze::trim_blanks(l);
            if (!l.starts_with("inventory") || inventories.size() >= 64) return;
            std::string_view v = analyze::trim_blanks(l.substr(9));
            if (!v.starts_with("=")) return;
            v = analyze::trim_blanks(v.substr(1));
            for (std::size_t s = 0; s < v.size() && inventories.size() < 64;) {
                const std::size_t comma = v.find(',', s);
                const std::string_view item = analyze::trim_blanks(v.substr(s, comma == std::string_view::npos ? std::string_view::npos : comma - s));
                if (std::string f = tools::repository_path(folder, item); !f.empty()) inventories.push_back(std::move(f));
                if (comma == std::string_view::npos) break;
                s = comma + 1;
            }
        });
    }
    for (const auto& f : deploy_named) inventories.push_back(f);
    for (const auto& f : inventories) {
        out.all_files.insert(f);
        out.all_folders.insert(f);  // an inventory folder
        for (std::string_view base : {std::string_view(f), analyze::path_folder(f)}) {
            out.all_folders.insert(join(base, "group_vars"));
            out.all_folders.insert(join(base, "host_vars"));
        }
    }
    return out;
}

}  // namespace pgfence::bot
