#pragma once
// Files of KEY=VALUE lines that a deploy loads into a program's environment (red team R71 F6):
// Spring Boot binds SPRING_SQL_INIT_MODE or SPRING_JPA_HIBERNATE_DDL_AUTO from there exactly as
// from a compose `environment:` (spring_env.hpp). They are
// - dotenv files by name: `.env`, `.env.<x>`, `<x>.env` (not the examples committed beside them);
// - the files a compose service's `env_file:` names: a string, a list, or the long syntax's
//   `- path: x` / `required: false` items, relative to the compose file's folder (compose
//   specification, services.env_file; Compose 2.24 added `required`);
// - `--env-file x` / `--env-file=x` of `docker run`, `docker compose`, `podman run` in a command
//   file, relative to the folder the command runs in (docker/cli opts.ParseEnvFile reads it from
//   the working directory);
// - systemd's `EnvironmentFile=` in a *.service unit (a leading `-` makes it optional;
//   systemd.exec(5) requires an absolute path, which is outside the repository: only a relative
//   one is taken, from the unit's folder);
// - a kustomization's configMapGenerator / secretGenerator `envs:` items (and the older `env:`),
//   relative to the kustomization's folder: the ConfigMap a Deployment's `envFrom` loads.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::analyze::tools {

// Whether `path` is a dotenv file by its name (see above).
[[nodiscard]] bool dotenv_name(std::string_view path);

// Whether `path` may name such files: a compose file, a command file, a systemd unit, a kustomization.
// A file that runs docker compose or sets COMPOSE_FILE: a command file, package.json, .envrc, *.ps1.
[[nodiscard]] bool compose_command_source(std::string_view path);
[[nodiscard]] bool env_file_source(std::string_view path);

// A file `path` loads into an environment: the repository path it names, at its line.
struct EnvFileUse {
    int line = 1;
    std::string how;      // "env_file", "--env-file", "EnvironmentFile", "envs", "extends", "include", "include env_file", "COMPOSE_FILE"
    std::string file;     // repository-relative, '/'-separated
    bool compose = false;  // a compose file of the same project (extends, include, COMPOSE_FILE): read as one in turn
    std::string project;   // with `compose` or `compose_env`: the folder its relative paths resolve from
    bool compose_env = false;  // `docker compose --env-file`: read for COMPOSE_FILE only, as .env (red team R76 E2)
};
// Each file the compose file, command file, unit, kustomization or .env at `path` loads (at most
// 64 of each kind); a name spelt with a variable, or outside the repository, is left out. In a
// compose file: every env_file, a service's or not (an `x-` field that `<<: *anchor` merges into
// one, red team R73 F6), the compose files its services extend and its top-level `include:`
// brings in, with the env_file of an include (red team R75 F5, compose_files.hpp); in a .env, the
// compose files COMPOSE_FILE names (R75 F6); in a command file, those `docker compose -f` and
// COMPOSE_FILE name, from where it runs. The compose files are read as compose files in turn,
// whatever their names, with `compose` set and `project` the folder their relative paths resolve
// from (by default the file's own).
[[nodiscard]] std::vector<EnvFileUse> env_file_uses(std::string_view path, std::string_view text, bool compose = false,
                                                    const std::string* project = nullptr);

// The lines of a compose file that name env_file, extends or include in a form env_file_uses does
// not read (a quoted, escaped or complex key, a flow mapping, an alias `*x`, a flow mapping over
// lines, an include of a remote file or a variable), with why: each is unknown at its line (red
// team R74 F2, R75 F4, F5), at most 64 of each kind. `project` as for env_file_uses.
[[nodiscard]] std::vector<std::pair<int, std::string>> compose_env_unread(std::string_view text, std::string_view project = {});

// The lines of a .env at `path` naming COMPOSE_FILE or COMPOSE_PATH_SEPARATOR, or of a command
// file running `docker compose -f` or setting COMPOSE_FILE, in a form env_file_uses does not read
// (a variable, a file outside the repository), with why (red team R75 F6).
[[nodiscard]] std::vector<std::pair<int, std::string>> compose_file_unread(std::string_view path, std::string_view text);

}  // namespace pgfence::analyze::tools
