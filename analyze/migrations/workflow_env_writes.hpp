#pragma once
// The environment a workflow's commands give the commands after them (red team R88b F3, F4), beside
// the `env:` maps WorkflowValues reads: a tool setting pgfence takes from the environment
// (MikroORM's MIKRO_ORM_*, Yarn's YARN_*) can be set by `export NAME=v` in a run block, or by
// `echo "NAME=v" >> $GITHUB_ENV` in an earlier step of the job (docs.github.com, "Workflow
// commands", "Setting an environment variable": the variable is set for the job's later steps).
// Not for use outside analyze.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools::deploy_detail {

struct EnvWrite {
    int line = 0;
    std::string name;                  // empty: a $GITHUB_ENV write of text whose names pgfence does not read
    std::optional<std::string> value;  // nullopt: computed (a `$`, a backquote, an escape, quotes inside)
    std::string raw;                   // the value, or the write, as written
};

// The writes on the lines before `before` (0: every line) of a workflow or shell script, whose name
// `wanted` accepts: `export NAME=v`, `declare -x NAME=v`, `NAME=v` (a shell assignment; the inline
// form on a command's own line is the caller's), and `NAME=v` echoed or printed into $GITHUB_ENV;
// and every $GITHUB_ENV write pgfence cannot read a name from (`cat f >> $GITHUB_ENV`, `echo
// "$X" >> ...`, a here-document), with name empty. One pass, at most 64 writes.
[[nodiscard]] std::vector<EnvWrite> workflow_env_writes(std::string_view text, int before, const std::function<bool(std::string_view)>& wanted);

// The files the lines before `before` (0: every line) of a workflow or shell script read into its
// shell with `.` or `source` (red team R88c F7): they run in this shell, so what they set (with
// `set -a`, or a later `export NAME`) the commands after them see (bash manual, "Bourne Shell
// Builtins": `.`). The file's word as written. At most 64.
struct SourcedFile {
    int line = 0;
    std::string word;
};
[[nodiscard]] std::vector<SourcedFile> sourced_files(std::string_view text, int before);

}  // namespace pgfence::analyze::tools::deploy_detail
