#pragma once
// The commands of Ansible tasks (a playbook, a role's tasks/*.yml): the shell, command and raw
// modules' lines (docs.ansible.com, ansible.builtin.shell, .command, .raw: `shell: CMD`, `cmd: CMD`
// under the module, a `|` or `>` block), each read with destructive_command, a Jinja `{{ }}` a
// value pgfence does not render (template_vars.hpp): a migration tool given one, or run in its down
// direction, is unknown at its line (red team R89b F5). An Ansible file is no command file, so only
// these lines are read (no false unknowns from its other keys).
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"

namespace pgfence::analyze::tools {

// Whether a YAML file that is neither a command file nor a Kubernetes manifest looks like Ansible's.
[[nodiscard]] bool ansible_tasks_file(std::string_view path, std::string_view text);
// The destructive or computed migration commands of its modules' lines; at most 64.
[[nodiscard]] std::vector<CommandUnknown> ansible_task_unknowns(std::string_view text);

}  // namespace pgfence::analyze::tools
