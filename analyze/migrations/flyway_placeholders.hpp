#pragma once
// Flyway's placeholder replacement (flyway-core parser/PlaceholderReplacingReader): before it
// parses a SQL migration, Flyway replaces every `${name}` (its prefix and suffix) as text, inside
// string literals, quoted identifiers and comments too, with the placeholder's value; a name it
// has no value for fails the migration. pgfence does the same with the values it read
// (flyway_settings.hpp), so that the SQL it analyses is the SQL that runs.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/flyway_settings.hpp"

namespace pgfence::analyze::tools {

// A stretch of the replaced text and where it came from in the file.
struct Piece {
    std::size_t out_begin = 0;   // in the replaced text
    std::size_t orig_begin = 0;  // in the file
    std::size_t orig_end = 0;
    bool replaced = false;       // a placeholder (its whole text maps to the placeholder)
};

// A placeholder whose value pgfence does not know where it stands.
struct UnknownPlaceholder {
    std::size_t orig = 0;  // its first byte in the file
    std::string name;      // as written (untrusted)
    std::string why;
    std::string tool = {};  // the tool that puts it in, when neither Flyway nor goose ("graphile-migrate")
};

struct Replaced {
    std::string text;           // what Flyway sends, with unknown placeholders as "$name" identifiers
    std::vector<Piece> pieces;  // empty: `text` has the file's offsets
    std::vector<UnknownPlaceholder> unknown;
    bool values = false;        // a known value was put in

    // The file offset of text offset `out` (`end`: one past a last byte, as a span's end).
    [[nodiscard]] std::size_t to_file(std::size_t out, bool end = false) const;
};

// `text` as Flyway would send it with `settings`; `file_name` is the migration's own name, the
// value of ${flyway:filename}.
[[nodiscard]] Replaced replace_flyway_placeholders(std::string_view text, const FlywaySettings& settings,
                                                   std::string_view file_name);

}  // namespace pgfence::analyze::tools
