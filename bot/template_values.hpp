#pragma once
// The value files of Helm chart templates and Ansible task files (issue #53, red team R89b F5): a
// `{{ }}` word in their commands (template_vars.hpp without_template_words) is rendered from files
// the command file does not name. `pr` reports a template's or task file's unknowns that read a
// computed word again when the pull request changes one (bot/value_sources.hpp).
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::bot {

struct TemplateValues {
    std::map<std::string, std::vector<std::string>> files;      // value file -> readers
    std::map<std::string, std::vector<std::string>> folders;    // folder: any file beneath it -> readers
    std::map<std::string, std::vector<std::string>> values_in;  // chart folder: its values*.yaml, values*.yml -> readers
    std::set<std::string> all_files, all_folders;                // read by every reader: inventories, `helm -f` files
    std::vector<std::string> readers;                            // the templates and task files
    std::set<std::string> all_helm_files;                        // `helm -f` files of no known chart: read by every template
    std::vector<std::string> helm_templates;
    std::vector<std::string> unread;  // a template or task file past the bounds: its value files are not known

    // Whether `path` (a changed file) is one of the value files, and the readers it gives.
    [[nodiscard]] bool wanted(std::string_view path) const;
    void readers_of(std::string_view path, std::set<std::string>& out) const;
};

// From the head's `listed` files (repository-relative, not vendored): a template under a chart's
// `templates/` (Chart.yaml in the folder above, the parent chart's too for `charts/X/templates`)
// reads the chart's values*.yaml and values*.yml and its and its parent folder's `values/` and `env/`
// (helm.sh/docs/chart_template_guide/values_files: values.yaml, a parent chart's values, `-f` files).
// An Ansible playbook or role task file (ansible_tasks.hpp, read with `read`, at most `most_reads`;
// a YAML file in an Ansible project's folders, with "ansible" or "playbook" in its path, or named by a deploy command)
// reads `group_vars/` and `host_vars/` beside it or above it and beside an inventory, its role's
// `defaults/` and `vars/`, its `vars_files:` and `include_vars:`, and the inventory: `inventory`,
// `hosts`, what ansible.cfg's `inventory =` names (docs.ansible.com "Variable precedence",
// "Organizing host and group variables"). `deploy_named`: files a deploy command gives a template
// (`ansible-playbook -i F`, `-e @F`, the playbook), read by every reader; `helm_values`: a `helm -f F`
// with a word of its command, read by the templates of the chart in the folder that word names (of
// every chart when no word names one). Linear in what it reads.
[[nodiscard]] analyze::Result<TemplateValues> template_values(
    const std::vector<std::string>& listed, const std::set<std::string>& deploy_named, const std::vector<std::pair<std::string, std::string>>& helm_values,
    const std::function<analyze::Result<std::optional<std::string>>(const std::string&)>& read, std::size_t most_reads);

// Whether a head file should be listed for template_values: YAML, ansible.cfg, an inventory's name.
[[nodiscard]] bool template_values_listed(std::string_view path);

}  // namespace pgfence::bot
