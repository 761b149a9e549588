#pragma once
// Commands a YAML file gives in exec form, as a list of words rather than one shell line: a
// Kubernetes container's `command:` and `args:` (the image's entrypoint replaced and its
// arguments: kubernetes/api core/v1 types.go Container.Command, Container.Args), a Google Cloud
// Build step's `entrypoint:` and `args:` (cloudbuild.yaml, BuildStep.entrypoint / args), a compose
// service's `entrypoint:` and `command:`. The words of one mapping are joined in the order the
// program receives them (entrypoint, then command, then args), so a reader of shell lines
// (psql_files.hpp) reads `entrypoint: psql` + `args: ["-f", "x.sql"]` as `psql -f x.sql`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct ExecCommand {
    int line = 1;         // the mapping's first command key
    std::string command;  // its words joined by spaces, each as written without its quotes
    std::vector<std::string> words;  // the same words, one each (the program's arguments)
    // Which keys the mapping gives, and their lines (a list's items too, at most 64).
    bool entrypoint = false, command_key = false, args = false;
    std::vector<int> lines;
    // A compose service's `build:` context folder as written ("." for `build: .`) and its
    // `dockerfile:`; nullopt when the mapping has no `build:`.
    std::optional<std::string> build;
    std::string dockerfile;
};

// The exec-form commands of `text`, in line order; a word list longer than 256 words or a flow
// list spread over more than 64 lines is cut there (the work stays linear).
[[nodiscard]] std::vector<ExecCommand> yaml_exec_commands(std::string_view text);

// Whether `text` is a Kubernetes manifest (a document with `apiVersion:` and `kind:` at its top
// level), wherever the file lies (k8s/, deploy/, a Helm chart's templates/): its containers'
// commands run in the cluster.
[[nodiscard]] bool kubernetes_manifest(std::string_view text);

}  // namespace pgfence::analyze::tools
