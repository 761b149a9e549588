#include "analyze/migrations/ansible_tasks.hpp"

#include <string>

#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/template_vars.hpp"

namespace pgfence::analyze::tools {
namespace {

// Whether a line opens a module's key (`shell:`, `ansible.builtin.command:`, `cmd:` under one);
// `value` is what follows it.
bool module_key(std::string_view body, bool under_module, std::string_view& value) {
    if (body.starts_with("- ")) body = trim_blanks(body.substr(2));
    for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy.", ""}) {
        if (!body.starts_with(prefix)) continue;
        const std::string_view rest = body.substr(prefix.size());
        for (std::string_view key : {"shell:", "command:", "raw:"}) {
            if (rest.starts_with(key)) {
                value = trim_blanks(rest.substr(key.size()));
                return true;
            }
        }
    }
    if (under_module && body.starts_with("cmd:")) {
        value = trim_blanks(body.substr(4));
        return true;
    }
    return false;
}

// A YAML scalar without its quotes (a command with a `{{` at its start must be quoted in YAML).
std::string_view unquoted(std::string_view v) {
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) return v.substr(1, v.size() - 2);
    return v;
}

}  // namespace

bool ansible_tasks_file(std::string_view path, std::string_view text) {
    const bool named = path.find("ansible") != std::string_view::npos || path.find("playbook") != std::string_view::npos ||
                       path.starts_with("roles/") || path.find("/roles/") != std::string_view::npos;
    return named || text.find("ansible.builtin.") != std::string_view::npos || text.find("ansible.legacy.") != std::string_view::npos ||
           (text.find("hosts:") != std::string_view::npos && text.find("tasks:") != std::string_view::npos);
}

std::vector<CommandUnknown> ansible_task_unknowns(std::string_view text) {
    std::vector<CommandUnknown> out;
    // The open module's column (its `cmd:` and block lines are deeper), and whether its value is a block.
    std::size_t module_indent = std::string_view::npos;
    bool block = false;
    // A play's or task's `vars:` (read as Task's are): a `{{ name }}` is still computed (group_vars,
    // host_vars and `-e` may set it too), but `pr` reviews the command when its `vars:` line changes.
    TemplateVars vars = taskfile_variables(text);
    for (auto& v : vars) v.second.first.reset();
    auto add = [&](int n, std::string_view command) {
        if (out.size() >= 64) return;
        std::vector<int> uses;
        const std::string words = command.find("{{") == std::string_view::npos ? std::string(unquoted(command))
                                                                               : with_template_vars(unquoted(command), vars, false, uses);
        std::string why = destructive_command(words);
        if (!why.empty()) out.push_back(CommandUnknown{n, "Ansible task: " + why, {}, std::move(uses)});
    };
    each_line(text, [&](int n, std::string_view l) {
        const std::size_t indent = l.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        const std::string_view body = trim_blanks(l.substr(indent));
        if (body.empty() || body.front() == '#') return;
        if (module_indent != std::string_view::npos && indent > module_indent) {
            std::string_view value;
            if (block) add(n, body);
            else if (module_key(body, true, value)) add(n, value);
            return;
        }
        module_indent = std::string_view::npos;
        std::string_view value;
        if (!module_key(body, false, value)) return;
        if (value.empty() || value.front() == '|' || value.front() == '>') {
            module_indent = indent + (body.starts_with("- ") ? 2 : 0);
            block = !value.empty();
            return;
        }
        add(n, value);
    });
    return out;
}

}  // namespace pgfence::analyze::tools
