#pragma once
// `pgfence pr` and the compose files no command it recognises runs (red team R77 E1, E2: `$DC run`
// with DC a variable, an alias, a bash array; a Python or JavaScript deploy script): every compose
// file of the commit by its content (a top-level `services:`), whatever its name, that neither a
// compose name nor an extends, include, COMPOSE_FILE or `docker compose -f` reaches. The files its
// env_file entries load are part of the settings surface, as a reached compose file's are: a pull
// request's change to a migration tool's or Spring's variable there counts.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analyze/base/error.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

struct UnreachedEnvFile {
    std::string file;  // repository path
    std::string why;   // "deploy/app.yaml:4 (env_file) loads it ...", printable
};

// The files such compose files of `commit` load, each resolved from the compose file's own folder
// and each one above it (`docker compose -f a.yml -f deploy/b.yml` resolves b's paths from a's
// folder), when the commit holds it, and those of the compose files it extends or includes; `reached`
// names the compose files already followed.
[[nodiscard]] analyze::Result<std::vector<UnreachedEnvFile>> unreached_compose_env_files(const diff::Repository& repo, const std::string& commit,
                                                                                       std::uint64_t max_bytes,
                                                                                       const std::set<std::string>& reached);

}  // namespace pgfence::bot
