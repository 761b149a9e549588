#pragma once
// Kubernetes manifests pgfence reads although a template engine renders them (red team R90 F3, F7):
// a manifest under a template's file name (`migrate-job.yaml.tmpl` for envsubst or gomplate,
// `.yaml.j2` for j2cli and Ansible, Shopify krane's `config/deploy/<env>/*.yml.erb`, helmfile's
// `.yaml.gotmpl`), and a Helm chart template whose container command is a named template
// (`{{ include "app.migrateCommand" . }}`, defined in `templates/_helpers.tpl`) or one whole `{{ }}`.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

// Whether `name` is `*.yaml.X` or `*.yml.X` with X one of tmpl, tpl, j2, jinja, jinja2, erb, gotmpl.
[[nodiscard]] bool manifest_template_name(std::string_view name);

// `text` with its template tags as computed words, line for line: ERB's `<%= %>`, Jinja's and Go's
// `{{ }}` become `$JUST_COMPUTED` (template_vars.hpp), ERB's `<% %>` and Jinja's `{% %}` and `{# #}`
// are dropped; envsubst's `${X}` is left, a word the shell computes. At most 1 MiB out.
[[nodiscard]] std::string without_manifest_template_tags(std::string_view text);

// Whether `path` lies under a `templates/` folder (the deepest one) whose folder above holds
// Chart.yaml, by `has_chart(chart folder)`.
template <typename F>
[[nodiscard]] bool chart_template_path(std::string_view path, F has_chart) {
    for (std::size_t at = path.rfind("templates/"); at != std::string_view::npos; at = at == 0 ? std::string_view::npos : path.rfind("templates/", at - 1)) {
        if (at != 0 && path[at - 1] != '/') continue;
        return has_chart(std::string(at == 0 ? std::string_view() : path.substr(0, at - 1)));
    }
    return false;
}

struct UnrenderedCommand {
    int line = 0;
    std::string text;  // the value as written
};

// The container `command:` and `args:` values (inline, or their block's lines and list items) of
// a workload manifest (kind Job, CronJob, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet) that
// hold `{{ include }}` or `{{ template }}`, or are one whole `{{ }}`: Helm renders them from
// templates or values pgfence does not render. At most 64.
[[nodiscard]] std::vector<UnrenderedCommand> unrendered_helm_commands(std::string_view text);

// What a shell line feeds to `kubectl apply -f -` or `kubectl create -f -` (red team R90 F7):
// `none` when the line runs no such command; `file` the file it names (`< F`, `cat F |`,
// `envsubst < F |`, `j2 F |`, `gomplate -f F |`), which a template engine renders and kubectl
// applies whatever its name; `unnamed` when pgfence cannot name it. A kustomization, a chart or
// kubectl's own `--dry-run -o yaml` output (`kustomize build`, `helm template`) and a
// here-document are the repository's own manifests or the line's text: `none`.
struct StdinManifest {
    enum class Kind { none, file, unnamed } kind = Kind::none;
    std::string file;    // as written, when `file`
    std::string source;  // the command that feeds it, when `unnamed`
};
[[nodiscard]] StdinManifest kubectl_stdin_manifest(std::string_view line);

}  // namespace pgfence::analyze::tools
