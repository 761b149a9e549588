#pragma once
// Which package.json scripts a preload (node's --loader, --import, -r) matters in (stranger review 88
// C: automatisch's `node --loader ./alias-loader.mjs` on all eleven backend scripts, two of which a
// deploy runs the migrations with). Not for use outside analyze/migrations.
#include <set>
#include <string_view>

namespace pgfence::analyze::tools {

// The lines of `text` (a package.json) that hold only script values no deploy runs the migration
// tool with: a script whose name is no deploy step (deploy_task_name: migrate, deploy, release,
// start, build, install's lifecycle ...), whose command runs no migration tool (or is a developer's
// helper by its name, `db:rollback`), and that no such
// script, nor a pre/post script of one, names. A preload on such a line loads code into a test,
// a developer's helper or a program of the app, not into the migration tool's process.
[[nodiscard]] std::set<int> quiet_script_lines(std::string_view text);

}  // namespace pgfence::analyze::tools
