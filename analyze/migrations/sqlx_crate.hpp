#pragma once
// Whether sqlx runs a migration folder, read from the Rust crate around it: its Cargo.toml
// depends on sqlx, and its code embeds the folder (`sqlx::migrate!("migrations/postgresql")`,
// `migrate!()` for ./migrations) or opens it at run time (`Migrator::new(Path::new(".."))`).
// Found from the folder itself, so `pgfence analyze migrations/postgresql` (or one file of it, or
// `trace`) reads the folder as sqlx whatever it is called, and not as golang-migrate because its
// files are named `<version>_<name>.up.sql`.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

struct CrateTool {
    enum class Reading { None, Sqlx, Assumed };
    Reading reading = Reading::None;
    // Printable: "src/main.rs:6 sqlx::migrate!("migrations/postgresql")", or, Assumed, why sqlx
    // was assumed and how to say otherwise.
    std::string why;
};

// The first line of `why` sqlx's folder metadata carries (conventions.cpp reads it): the folder
// is sqlx's, as the crate says.
inline constexpr std::string_view k_sqlx_crate = "sqlx crate: ";

// Whether a Cargo.toml's text depends on sqlx: `sqlx = ...`, `sqlx.workspace = true` or a
// `[dependencies.sqlx]` table in any dependencies section, or a dependency renamed from
// `package = "sqlx"`.
[[nodiscard]] bool cargo_depends_on_sqlx(std::string_view cargo_toml);

// The crate above `folder` (an existing folder; its links resolved or not): the Cargo.toml
// nearest above it, up to the repository's top (the folder holding .git) and never outside
// `confine_to` when that is set, that depends on sqlx, and what its Rust files say of `folder`.
// None when no such crate is found, or its code names other folders only.
[[nodiscard]] CrateTool sqlx_crate_for(const std::string& folder, const std::string& confine_to);

// For each folder of `files` holding `<version>_<name>.sql` files that sqlx is only assumed to
// run (CrateTool::Reading::Assumed): "<folder>: sqlx assumed, since ...", printable, said once
// per run on stderr (the reports say it per file).
[[nodiscard]] std::vector<std::string> sqlx_assumptions(const std::vector<std::string>& files, const std::string& confine_to);

}  // namespace pgfence::analyze::tools
