#pragma once
// Migration folders named in places tool_dirs.cpp's readers do not cover: drizzle-kit's
// drizzle.config.{ts,js,json} `out`, drizzle-orm's run-time migrate(db, { migrationsFolder }),
// Prisma's prisma.config.ts `migrations.path`, and sqlx's run-time Migrator::new(Path::new("..")).
// Each value is folded when it is a constant path (a string literal, path.join / path.resolve of
// literals and __dirname); anything else is computed, and tool_dirs.cpp reports it unknown at its
// line.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct ConfigDir {
    std::string tool;                  // "drizzle", "prisma", "sqlx"
    std::string setting;               // "out", "migrations.path", "migrationsFolder", "Migrator::new"
    int line = 1;
    std::optional<std::string> value;  // relative to the folder the tool resolves it from; none when computed
    std::string expr;                  // the value as written (untrusted; tool_dirs.cpp shows it escaped)
    bool from_project = false;         // resolved from the project's folder (above src/), not the file's
};

// Whether `name` is a drizzle-kit configuration file (drizzle.config.ts, drizzle-prod.config.js,
// drizzle.config.json: drizzle-kit --config takes any name) or Prisma's (prisma.config.ts and its
// .js/.mjs/.cjs/.mts/.cts forms).
[[nodiscard]] bool drizzle_config_name(std::string_view name);
[[nodiscard]] bool prisma_config_name(std::string_view name);
// Whether `path` is Prisma's configuration: prisma.config.* anywhere, or .config/prisma.* (Prisma's
// loadConfigFromFile takes both: prisma/prisma packages/config, its precedence fixtures).
[[nodiscard]] bool prisma_config_path(std::string_view path);

// Whether a script's text calls drizzle-orm's migrate() with a migrationsFolder.
[[nodiscard]] bool drizzle_migrate_text(std::string_view text);

// The folders the file at `path` names, in line order.
[[nodiscard]] std::vector<ConfigDir> read_config_dirs(std::string_view path, std::string_view text);

}  // namespace pgfence::analyze::tools
