#pragma once
// Migration tools' file conventions: which part of a file is the "up" migration, where
// statements are forced to split or kept whole, placeholders, and whether the tool wraps
// the file in a transaction.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/migrations/flyway_placeholders.hpp"

namespace pgfence::analyze {

enum class Direction { Up, Down, Both };

// A line that makes the migration tool refuse the file (goose's annotation with leading white
// space, dbmate's section without a down block): what runs then is not what pgfence reads, so the
// analyzer reports it as an unknown statement at that line.
struct ToolRefusal {
    ToolRefusal() = default;
    ToolRefusal(std::size_t at, std::string because, std::string statement_tag = {})
        : offset(at), why(std::move(because)), tag(std::move(statement_tag)) {}
    std::size_t offset = 0;  // the line's first byte; the text's size for what the file lacks at its end
    std::string why;
    std::string tag;         // the statement's tag; "<tool> marker" when empty
};

struct PreparedSource {
    // Same length and line structure as the original, with Flyway placeholders `${name}`
    // turned into the quoted identifier `"$name"` so statements using them still parse.
    std::string text;
    MigrationTool tool = MigrationTool::Plain;
    std::vector<Region> regions;          // what to analyse, in order
    bool wrapped_in_transaction = false;
    // The tool sends the file as one multi-statement query (Prisma, golang-migrate, sqlx's
    // -- no-transaction, diesel's run_in_transaction = false, each section of dbmate's
    // transaction:false): PostgreSQL runs it as one implicit transaction, but a query of a
    // single statement runs it alone, outside any transaction.
    bool one_query = false;
    bool skipped = false;                 // e.g. a diesel down.sql when only "up" is analysed
    std::string skip_reason;
    std::vector<std::string> notes;       // said once per file ("goose: NO TRANSACTION")
    // Flyway: its placeholders replaced as Flyway replaces them, with the values of the settings
    // files given as `sibling_metadata` (tools/flyway_settings.hpp pack_flyway_files). `text` is
    // then what Flyway sends; `replaced.pieces` map its offsets back to the file's (none: the
    // same offsets), and `replaced.unknown` are the placeholders whose value is not known.
    tools::Replaced replaced;
    std::vector<std::string> settings_files;  // the settings files that decided it
    std::vector<ToolRefusal> refusals;    // in order of offset
};

// `sibling_metadata` for a `<version>_<name>.sql` file whose folder has no sqlx Cargo.toml beside
// it but a file of which starts with sqlx's `-- no-transaction`: the folder is sqlx's.
inline constexpr std::string_view k_sqlx_folder = "sqlx: a migration of this folder starts with -- no-transaction";

// Whether `name` (a file name, any case) is a Flyway migration's: V1__x.sql, U1__x.sql, R__x.sql.
[[nodiscard]] bool flyway_name(std::string_view name);
// Whether `name` is a Flyway name but for its ending (V2__drop.pgsql): Flyway runs it when
// flyway.sqlMigrationSuffixes names that ending.
[[nodiscard]] bool flyway_name_with_suffix(std::string_view name);

// Where `text` holds a template placeholder rather than SQL (a Go text/template action such as
// `{{ .Schema }}`, a `$%NAME%$`), npos when none.
[[nodiscard]] std::size_t template_marker(std::string_view text);

// Whether `name` (a file name) is sqlx's: `<version>_<description>.sql`, `.up.sql` or `.down.sql`.
[[nodiscard]] bool sqlx_name(std::string_view name);

// `path` decides by name (up.sql, migration.sql, V1__x.sql, 1_x.up.sql); `text` by markers;
// `sibling_metadata` is the text of the tool's file beside the migrations, if any: a diesel
// metadata.toml, or the Cargo.toml of the crate whose migrations/ folder holds the file (sqlx),
// or k_sqlx_folder, or a Flyway migration's settings files (tools::pack_flyway_files).
[[nodiscard]] PreparedSource prepare_source(std::string_view path, std::string_view text,
                                            Direction direction,
                                            std::string_view sibling_metadata = {});

// Turns "$name" back into Flyway's "${name}" for display.
[[nodiscard]] std::string restore_placeholder(std::string_view identifier);

}  // namespace pgfence::analyze
