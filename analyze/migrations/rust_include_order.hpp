#pragma once
// The order a Rust crate concatenates a folder's SQL files in with include_str! (lemmy's
// src/schema_setup/mod.rs joins "../../replaceable_schema/utils.sql" before "triggers.sql";
// stranger review 85 class G: read by name, triggers.sql called routines utils.sql creates).
#include <optional>
#include <string>
#include <vector>

namespace pgfence::analyze {

struct IncludeOrder {
    std::vector<std::string> files;  // the set's files, as given, in the order the Rust file names them
    std::string where;               // "crates/x/src/mod.rs:46", printable
};

// For one set's files on disk (one folder), the order of the first Rust file under `src` of the
// folder's parent or grandparent whose include_str!("...") literals name every one of them once;
// nullopt when none does. Bounded: at most 2,000 entries walked, 1 MiB read per file, 16 MiB in all.
[[nodiscard]] std::optional<IncludeOrder> rust_include_order(const std::vector<std::string>& files);

}  // namespace pgfence::analyze
