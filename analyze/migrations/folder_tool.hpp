#pragma once
// Which migration tool the project's own files say runs a folder (#54 §1: the project's own words
// decide the tool): supabase/config.toml beside supabase/migrations, a package.json, .env, knexfile
// or command line naming a folder as node-pg-migrate's, dbmate's or goose's (tool_dirs.hpp). Only
// that tool's markers then mark a file of the folder (conventions.cpp prepare_source): another
// tool's `-- +goose Down` is a comment to it, and what follows runs.
#include <string>
#include <string_view>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// The prefix of the `sibling_metadata` that carries it: "<prefix><tool>\n<why>".
inline constexpr std::string_view k_folder_tool = "pgfence folder tool: ";
// The start of its `why` when the project names several tools for the folder.
inline constexpr std::string_view k_several_tools = "the project names several tools for this folder:";

// Put before a sibling_metadata: the file is a down half by its name (2_x.down.sql) and its up
// half (2_x.up.sql) lies beside it, or the configuration says golang-migrate. Only then is
// `.down.sql` a direction (conventions.cpp): node-pg-migrate, goose and dbmate run any versioned
// .sql file, and a workflow, a Procfile or node-config may name the tool where folder_tool does
// not look (red team R78b B5: a lone 1_cleanup.down.sql that `npx node-pg-migrate up` ran).
inline constexpr std::string_view k_down_pair = "pgfence down pair\n";

// Whether `path` names a down half (`.down.` in its name) whose up half `read` finds beside it.
[[nodiscard]] bool down_pair(std::string_view path, const ReadFile& read);

// "supabase", "node-pg-migrate", "dbmate", "goose" or "" (not said, or said for several tools:
// then `why` names them) for the file at `path`, its folders' settings read through `read` (a
// path relative to the same root as `path`). `why` is printable.
[[nodiscard]] std::string folder_tool(std::string_view path, const ReadFile& read, std::string& why);

// folder_tool packed as sibling_metadata ("" when no tool is said).
[[nodiscard]] std::string folder_tool_metadata(std::string_view path, const ReadFile& read);

// The tool a sibling_metadata from folder_tool_metadata names ("" for any other), and its why.
[[nodiscard]] std::string_view unpack_folder_tool(std::string_view metadata, std::string_view* why = nullptr);

}  // namespace pgfence::analyze::tools
