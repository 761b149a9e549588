#pragma once
// `--format github`: one GitHub Actions workflow command per finding
// (`::error file=F,line=L,endLine=E,title=T::message`). The bot's fallback when its token
// cannot create check runs or comments: the runner turns these lines into annotations.
#include <ostream>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

struct WorkflowCommandOptions {
    std::string root;  // paths are made relative to it (empty: the current directory)
};

// Escapes a command's message: % \r \n, as the runner decodes them.
[[nodiscard]] std::string escape_command_data(std::string_view text);
// Escapes a property value (file=, title=): the data escapes plus ':' and ','.
[[nodiscard]] std::string escape_command_property(std::string_view text);

void render_workflow_commands(const analyze::Report& report, std::ostream& out,
                              const WorkflowCommandOptions& options = {});

}  // namespace pgfence::annotate
