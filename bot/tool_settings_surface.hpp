#pragma once
// `pgfence pr` and the files a migration tool's settings loading reads that are named by another
// settings file (analyze/tools/settings_surface.hpp): each module a knexfile, a .sequelizerc or a
// sequelize config/config.js loads by a relative path (followed as Node's require() follows it,
// transitively, within the repository), the configuration file `.sequelizerc`'s `config` names,
// the diesel settings file a .env's DIESEL_CONFIG_FILE names, and any *.toml with a
// [migrations_directory] section (diesel --config-file takes any name).
#include <cstdint>
#include <map>
#include <string>

#include "analyze/error.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

struct SurfaceFile {
    std::string why;        // "knexfile.js:1 loads it", printable
    bool storage = false;   // a sequelize configuration: only its migrationStorage* / seederStorage* lines count
};

// The files of `commit` in that surface, by repository path (at most a few hundred: a settings
// file names a handful of modules).
[[nodiscard]] analyze::Result<std::map<std::string, SurfaceFile>> settings_surface_at(const diff::Repository& repo,
                                                                                      const std::string& commit,
                                                                                      std::uint64_t max_bytes);

}  // namespace pgfence::bot
