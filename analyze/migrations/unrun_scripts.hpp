#pragma once
// Scripts kept in a migration tool's own folders that the tool does not run (review87 miss 1).
// `prisma migrate deploy` runs only each migration folder's migration.sql
// (prisma/prisma-engines schema-engine/connectors/schema-connector/src/migrations_directory.rs:
// MIGRATION_SCRIPT_FILENAME "migration", read with the extension "sql"; list_migrations takes
// every folder beside migration_lock.toml). A project that keeps a data migration there
// (<folder>/migration.ts) runs it with a program of its own, which pgfence does not follow: each
// such script is an unknown statement at its line 1, never a file passed over in silence.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct UnrunScript {
    std::string path;  // as `dir` was given, joined
    std::string why;   // printable
};

// The scripts (.ts .js .mjs .cjs .mts .cts .py .rb .go .sh) in the migration folders of the Prisma
// migrations folder `dir` (the one holding migration_lock.toml), in name order, at most 256. A
// link is not followed. README.md, .gitkeep, migration.sql and the lock file are not scripts.
[[nodiscard]] std::vector<UnrunScript> prisma_folder_scripts(const std::string& dir);

// The same rule for one file, for `pgfence pr`: whether `name`, in a Prisma migration folder whose
// files are `folder_names`, is reported (a script, not a test, and the folder's migration.* when it
// has one), and the message for it.
[[nodiscard]] bool prisma_folder_script(std::string_view name, const std::vector<std::string>& folder_names);
[[nodiscard]] std::string prisma_folder_why(std::string_view folder);
// Whether `name` is a module of such a folder's migration.* (`utils.ts` beside `migration.ts`): a
// change to it alone is a change to that data migration.
[[nodiscard]] bool prisma_folder_helper(std::string_view name, const std::vector<std::string>& folder_names);

}  // namespace pgfence::analyze::tools
