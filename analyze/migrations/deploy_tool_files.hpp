#pragma once
// Deploy tools whose files hold command lines in an interpreter's strings (red team R89b F3, F9):
// Fabric's fabfile, Capistrano's Capfile, config/deploy.rb and task files, PM2's ecosystem file,
// pyinvoke's tasks.py, shipit's shipitfile, Deployer's deploy.php, Envoy's Envoy.blade.php (R90 F4).
// They are task files (other_runners.hpp task_file): command files whose commands
// deploy_tool_commands gives, read as a Rakefile's are. Not for use outside analyze/migrations.
#include <string>
#include <string_view>

namespace pgfence::analyze::tools {

// Whether `path` is such a file, by its name: fabfile.py or a module of a fabfile/ package (Fabric
// loads either: fabric/fabric main.py, Invoke's collection loader), Capfile, config/deploy.rb,
// config/deploy/*.rb and lib/capistrano/tasks/* (capistrano/capistrano lib/capistrano/templates/Capfile
// imports lib/capistrano/tasks/*.rake), ecosystem.config.{js,cjs,json}, ecosystem.json / .json5 (PM2).
[[nodiscard]] bool deploy_tool_file(std::string_view path);

// The commands such a file runs, as a shell script of the same lines (each line holds the commands
// written on it, joined by ` ; `): Fabric's `c.run`, `c.sudo`, `c.local` (and Fabric 1's `run`,
// `sudo`, `local`), subprocess's and os.system's strings and lists; Capistrano's (SSHKit's)
// `execute`, `capture`, `test` with a string or a symbol and words, Ruby's `sh`, `system`, `exec`,
// backquotes and `%x(...)`; PM2's deploy hooks. A computed part (`#{...}`, an f-string's field, a
// joined value) is `$COMPUTED`. A function or task named for a developer's helper (`rollback`,
// `reset_db`: deploy_packages.hpp helper_task_name) is passed over. Linear in the text.
// A call whose command is no literal (`c.run(MIGRATE)`, `system(cmd)`) is this word in the script:
// deploy_commands.cpp reports it unknown at its line.
inline constexpr std::string_view k_computed_call = "$PGFENCE_COMPUTED_CALL";
[[nodiscard]] std::string deploy_tool_commands(std::string_view path, std::string_view text);

// A Ruby program a deploy's step runs (`ruby script/deploy.rb`, `bin/release` with a ruby #!):
// whether `path` is one (by its .rb name or #! line), and the commands it runs, read as a Capistrano
// file's are (Kernel's system, exec, spawn, backquotes, %x(), Open3's and IO.popen's; red team R90 F4).
[[nodiscard]] bool ruby_program(std::string_view path, std::string_view text);
[[nodiscard]] std::string ruby_program_commands(std::string_view text);

}  // namespace pgfence::analyze::tools
