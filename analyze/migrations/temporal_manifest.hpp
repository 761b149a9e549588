#pragma once
// Temporal's versioned schema folders (temporalio/temporal schema/postgresql/v12/temporal/versioned/
// v1.8/manifest.json), applied by its temporal-sql-tool (tools/sql/main.go `update-schema`, which runs
// tools/common/schema/updatetask.go): the version folders under `versioned/` are one history, in
// version order (readSchemaDir, sortAndFilterVersions: folders matching `^v[\d.]+`, semver-sorted);
// each version runs only the files its manifest.json lists in SchemaUpdateCqlFiles, in that order
// (parseSQLStmts), every statement by itself through db.Exec, with no transaction (execStmts).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

// The first line of the sibling metadata of a file in a Temporal version folder; the rest is the
// manifest.json's text (conventions.cpp reads it with temporal_listed).
inline constexpr std::string_view k_temporal_manifest = "temporal-sql-tool manifest.json\n";

// The note that starts a listed file's notes (conventions.cpp): the file is temporal-sql-tool's,
// read with plain SQL's execution (each statement by itself, no transaction).
inline constexpr std::string_view k_temporal_note = "temporal-sql-tool: ";

// Whether `path` (a file) lies in a Temporal version folder: `<schema>/versioned/v<digits and dots>/`.
[[nodiscard]] bool temporal_version_file(std::string_view path);

// The version of such a folder's name ("v1.10" -> {"1", "10"}).
[[nodiscard]] std::vector<std::string> temporal_version(std::string_view folder_name);

// The files a manifest.json's SchemaUpdateCqlFiles lists, in order; nullopt with `why` set when the
// text is not a manifest temporal-sql-tool reads (readManifest: JSON with CurrVersion and
// MinCompatibleVersion, and files unless AllowNoCqlFiles).
[[nodiscard]] std::optional<std::vector<std::string>> temporal_listed(std::string_view manifest, std::string& why);

// The manifest.json of the version folder `folder` (as given), read from disk: its text, or nullopt
// when there is none (a regular file of at most 1 MiB).
[[nodiscard]] std::optional<std::string> read_temporal_manifest(const std::string& folder);

// Reorders `files` (one migration set, already in version order) so that each version folder's
// files come in the order its manifest lists them, unlisted ones last, by name.
void order_by_manifests(std::vector<std::string>& files, std::size_t begin, std::size_t end);

}  // namespace pgfence::analyze::tools
