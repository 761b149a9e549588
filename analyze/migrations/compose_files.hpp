#pragma once
// The compose files one compose project is made of, beyond the one a reader opens (red team R75 F5,
// F6): a service's env_file there loads the migration tool's environment (PGOPTIONS, GOOSE_*) as
// one in the first file does.
// - A compose file's top-level `include:` (compose specification, include; compose-go
//   loader/include.go ApplyInclude): a list of paths, or of mappings with `path:` (a string or a
//   list: the first file and its overrides), `project_directory:` and `env_file:`. Each path is
//   relative to the including file's project folder; the included files' own relative paths
//   resolve from `project_directory` (relative to that same folder), by default the first path's
//   folder. `env_file:` there sets the variables the included files interpolate, relative to the
//   including file's project folder. Included files may include in turn.
// - COMPOSE_FILE in a .env (docker compose reads the .env of the project folder for it; docs
//   "Set or change pre-defined environment variables", COMPOSE_FILE and COMPOSE_PATH_SEPARATOR,
//   ':' on Linux): the compose files of the project, relative to the .env's folder; the paths in
//   all of them are relative to the first one's folder (docker/compose docs/reference/compose.md,
//   "Specifying multiple Compose files").
// - A command file's `docker compose -f x` / `--file x` (docker-compose and podman-compose too;
//   docker/compose docs/reference/compose.md, "Use -f to specify the name and path of one or more
//   Compose files": the paths in all of them relative to the first one's folder, or to
//   `--project-directory`), and COMPOSE_FILE set there (`export COMPOSE_FILE=a:b`, a workflow's
//   `COMPOSE_FILE: a:b`), relative to the folder the command runs in.
// What pgfence does not read there (a variable, a remote or absolute path, a path outside the
// repository, a form of YAML or dotenv this reader does not take) is named, with why, at its line.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

struct ComposeFileRef {
    int line = 1;
    std::string file;     // repository-relative, '/'-separated
    std::string project;  // the folder its relative paths resolve from, repository-relative
};
struct ComposeFiles {
    std::vector<ComposeFileRef> files;                  // compose files of the project
    std::vector<ComposeFileRef> env_files;              // include's env_file: (project unused)
    std::vector<std::pair<int, std::string>> unread;   // lines naming one in a form not read, and why
};

// The files a compose file's top-level `include:` brings in; `project` is the including file's
// project folder (repository-relative). At most 64 of each.
[[nodiscard]] ComposeFiles compose_includes(std::string_view text, std::string_view project);

// The compose files a .env's COMPOSE_FILE names, relative to `folder` (the .env's).
[[nodiscard]] ComposeFiles compose_file_variable(std::string_view text, std::string_view folder);

// The compose files a command file's `docker compose -f` and COMPOSE_FILE name, from `folder`
// (the one the command runs in).
[[nodiscard]] ComposeFiles compose_command_files(std::string_view text, std::string_view folder);

// Whether `text` is a compose file by its content, whatever its name: a top-level `services:` key
// (compose specification, services), which every compose file that loads an env_file has.
[[nodiscard]] bool compose_text(std::string_view text);
// Whether its `services:` is the plain block key at a line's start, the form pgfence's compose
// readers read (compose_text's others, a JSON or flow mapping, a quoted key: unknown as a whole).
[[nodiscard]] bool compose_text_plain(std::string_view text);

// The service of a compose file whose mapping holds line `line` (1-based), "" when none or when its
// name is not plain (letters, digits, `_`, `-`, `.`).
[[nodiscard]] std::string compose_service_at(std::string_view text, int line);

}  // namespace pgfence::analyze::tools
