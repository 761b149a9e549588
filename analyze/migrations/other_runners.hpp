#pragma once
// Other runners a deploy's commands start (red team R89 F5, F8, F10, F11): the task runners' and
// Terraform's files, whose commands are read as command lines; the project's own Ruby and Go
// programs that connect to PostgreSQL; Atlas's declarative apply and Hasura's down verbs.
// Not for use outside analyze/migrations and bot/own_runner_review.cpp.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze::tools {

// A file whose tasks a deploy's command runs by a runner pgfence reads (settings_surface.hpp
// command_file): Terraform's `*.tf` (`terraform apply` runs its local-exec provisioners), a
// Rakefile or `*.rake` (`rake T`), mise.toml (`mise run T`), deno.json / deno.jsonc (`deno task
// T`), composer.json (`composer run T`, and its event scripts on `composer install`); Fabric's,
// Capistrano's and PM2's files (deploy_tool_files.hpp: every command of them but a helper's counts);
// nx's project.json and nx.json (their run-commands targets: nx_targets.hpp, read by command_unknowns).
[[nodiscard]] bool task_file(std::string_view path);

// The commands such a file runs, as a shell script of the same lines: each line holds the
// commands written on it (joined by ` ; `), others are empty. Only tasks named as a deploy's are
// kept (deploy_task_name; a Rakefile's code outside any task runs whenever rake loads it, so it is
// kept too); every local-exec command of a .tf file is. Linear in the text.
// `only`: that task's commands alone, whatever its name (a command that runs it by name).
[[nodiscard]] std::string task_file_commands(std::string_view path, std::string_view text, std::optional<std::string_view> only = std::nullopt);

namespace deploy_detail {

struct Follow;

// Why the task a `rake T` (`bundle exec rake T`), `mise run T`, `deno task T` or `composer run T`
// command runs hides what pgfence must see, "" when it does not: that task's commands, read as
// command lines, whatever its name (a deploy runs it), from the runner's file in `base` (`-f F`).
[[nodiscard]] std::string runner_task_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read, Follow& follow);

// Why a command's words run a declarative apply or a down verb the verb table cannot spell:
// `atlas schema apply` without `--dry-run` (it plans the DDL from the desired state, drops
// included), `atlas migrate down`, Hasura's `migrate apply --down N|all`, `--goto V` and
// `--version V --type down`; "" otherwise.
[[nodiscard]] std::string other_destructive_words(const std::vector<std::string>& words);

// The binaries `go build -o OUT PKG` made of such a program (below), by repository path: their
// source file. At most 64.
using GoBuilds = std::map<std::string, std::string, std::less<>>;

// The repository file of the project's own Ruby or Go program a command runs (`ruby F`, `bundle
// exec ruby F`, `go run ./cmd/migrate` or `go run F.go`, or a binary an earlier `go build -o OUT`
// in `builds` made of one) whose source loads a PostgreSQL driver, or such a Node program (below);
// nullopt for any other, and for a service by its name (`cmd/server`). A `go build -o OUT` of one is added to `builds`.
[[nodiscard]] std::optional<std::string> driver_program(const std::vector<std::string>& words, std::string_view base, const ReadFile& read,
                                                        GoBuilds* builds = nullptr);

// The same for a Node program (node_drivers.cpp): `node F` (its options, -r/--loader/--import
// values passed over), tsx, ts-node, `bun [run] F`, `deno run F`, words[k] the runner, whose source
// or the modules it loads by relative path or by a bare specifier naming the repository's own code
// (at most 32 files) load a PostgreSQL driver, an ORM or query builder (knex, Sequelize, TypeORM,
// MikroORM, Objection, Kysely, Drizzle's PostgreSQL adapters), or Prisma's client with a raw call;
// not a service (serves_name by the name the command gives, a package's own entry) nor a runner of
// a migration tool pgfence follows (tool_runners.hpp).
[[nodiscard]] bool node_runner_word(std::string_view word);
[[nodiscard]] std::optional<std::string> node_driver_program(const std::vector<std::string>& words, std::size_t k, std::string_view base,
                                                             const ReadFile& read);
// A long-running service by its file's name (`cmd/server`, `web.rb`, `app.js`, the module's root `main.go`).
[[nodiscard]] bool serves_name(std::string_view file);

// The reason such a command is unknown at its line; "".
[[nodiscard]] std::string driver_program_unknown(const std::vector<std::string>& words, std::string_view base, const ReadFile& read,
                                                 GoBuilds* builds = nullptr);

}  // namespace deploy_detail

}  // namespace pgfence::analyze::tools
