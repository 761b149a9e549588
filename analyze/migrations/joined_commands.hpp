#pragma once
// The commands a container runs from two lines (red team R89 F6, F9): a Dockerfile's exec-form
// ENTRYPOINT is the program and its CMD the arguments (Docker docs, "Understand how CMD and
// ENTRYPOINT interact": `ENTRYPOINT ["exec_entry", "p1_entry"]` + `CMD ["p1_cmd", "p2_cmd"]` runs
// `exec_entry p1_entry p1_cmd p2_cmd`); a workflow step `uses: docker://IMAGE` runs `with.entrypoint`
// with `with.args` (GitHub docs, "Workflow syntax for GitHub Actions": jobs.<job_id>.steps[*].with.args,
// .with.entrypoint). Every reader of command lines (logical_lines) reads the pair as one command.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/psql_files.hpp"

namespace pgfence::analyze::tools {

// `lines` (logical_lines of one file) with each such pair read as one command: a Dockerfile's CMD
// line becomes `CMD [<ENTRYPOINT's words>, <CMD's words>]` (per build stage), a docker:// step's
// args line `run: <entrypoint> <args>` (its entrypoint line so when it has no args).
void join_container_commands(std::vector<LogicalLine>& lines, bool yaml);

// A Dockerfile's last build stage's exec-form ENTRYPOINT, its words joined by spaces (quotes
// dropped); nullopt when it has none.
[[nodiscard]] std::optional<std::string> dockerfile_entrypoint(std::string_view text);

}  // namespace pgfence::analyze::tools
