#pragma once
// The `{{ }}` interpolations of a justfile's recipes and a Taskfile's commands (red team R89 F7):
// just's `name := "literal"` (just manual, "Variables and Substitution") and Task's `vars:`
// `NAME: literal` (taskfile.dev, "Variables": `{{.NAME}}`) are put in, as make's literal
// variables are (deploy_wrappers.cpp); any other `{{ }}` (a function, a backtick, an argument, a
// variable the environment or a command gives) becomes a word the shell computes, so a migration
// tool given it is unknown at its line, as `$(X)` is.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

// name -> (literal value, its line); nullopt: the value is computed (its line still read with the recipe).
using TemplateVars = std::map<std::string, std::pair<std::optional<std::string>, int>, std::less<>>;

// A justfile's top-level assignments whose value is one quoted string without `{{` or a backtick.
[[nodiscard]] TemplateVars just_variables(std::string_view text);
// A Taskfile's `vars:` entries (top level and each task's; a later one wins) whose value is a scalar without `{{`.
[[nodiscard]] TemplateVars taskfile_variables(std::string_view text);

// `line` with its `{{ name }}` (`{{.NAME}}` when `task`) put in from `vars`, the lines they come
// from added to `uses`, and every other `{{ ... }}` replaced by `$JUST_COMPUTED`. At most 64 KiB out.
[[nodiscard]] std::string with_template_vars(std::string_view line, const TemplateVars& vars, bool task, std::vector<int>& uses);

// A line of a YAML file with each `{{ ... }}` (Helm's and Ansible's templates: helm.sh/docs
// chart_template_guide; docs.ansible.com "Templating (Jinja2)") replaced by `$JUST_COMPUTED`: a value
// pgfence does not render, so a migration tool given it is unknown at its line (red team R89b F5).
// A workflow's `${{ }}` is left for workflow_values.hpp. At most 64 KiB out.
[[nodiscard]] std::string without_template_words(std::string_view line);

}  // namespace pgfence::analyze::tools
