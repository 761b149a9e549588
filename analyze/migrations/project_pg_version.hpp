#pragma once
// The PostgreSQL major version a project runs, as its own files name it, for when neither
// --pg-version, the configuration's pg_version nor a stats snapshot does: a compose file's or a
// CI workflow's `image:` (postgres:18, postgres:15.4-alpine, postgis/postgis:16-3.4,
// pgautoupgrade/pgautoupgrade:18-alpine, bitnami/postgresql:16, timescale/timescaledb:2.14-pg16), a
// Dockerfile's FROM, a .tool-versions or .mise.toml postgres entry.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct NamedVersion {
    int major = 0;
    std::string file;  // as found under the folder searched
    int line = 0;
    std::string said;  // the image or entry, printable
};

// The versions the lines of `text` (the file at `path`, its name deciding how it is read) name.
[[nodiscard]] std::vector<NamedVersion> versions_in(std::string_view path, std::string_view text);

// Whether pgfence reads `path`'s name for a version: docker-compose*.y*ml, compose*.y*ml,
// Dockerfile*, *.Dockerfile, a workflow under .github/workflows, .gitlab-ci.yml, .woodpecker.yml,
// .tool-versions, .mise.toml, mise.toml.
[[nodiscard]] bool version_file(std::string_view path);

// The versions the files below `root` name (at most a few folders deep, node_modules, vendored and
// hidden folders but .github skipped), in path order.
[[nodiscard]] std::vector<NamedVersion> project_pg_versions(const std::string& root);

// The version to assume from `named` (the lowest, within pgfence's supported range) and how to say
// it; 0 when none is in range.
struct ChosenVersion {
    int major = 0;
    std::string from;  // "docker/docker-compose.yml:84 (pgautoupgrade/pgautoupgrade:18-alpine)"
};
[[nodiscard]] ChosenVersion choose_version(const std::vector<NamedVersion>& named, int oldest, int newest);

}  // namespace pgfence::analyze::tools
