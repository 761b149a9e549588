#pragma once
// The comment markers goose and dbmate read in a SQL migration, read exactly as each tool's own
// parser reads them (a marker pgfence read more loosely than the tool would skip statements the
// tool runs): goose_markers.cpp mirrors pressly/goose internal/sqlparser/parser.go,
// dbmate_markers.cpp amacneil/dbmate pkg/dbmate/migration.go, node_pg_migrate_markers.cpp
// salsita/node-pg-migrate src/sqlMigration.ts. Each splits lines as its tool does (tool_lines.hpp).
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze {

// Go's strings.TrimSpace (unicode.IsSpace: ASCII white space, U+0085, U+00A0 and Unicode's Z
// characters), which both tools apply to a marker's text.
[[nodiscard]] std::string_view go_trim_space(std::string_view s);

// Whether goose would read `text` as a goose migration: a line goose takes for an annotation
// names one of its annotations (one goose refuses for leading whitespace counts: it is still
// goose's file, and refused).
[[nodiscard]] bool goose_file(std::string_view text);
// The regions goose runs for `direction`, its transaction, and each line that makes goose refuse
// the file (out.refusals).
void prepare_goose(PreparedSource& out, Direction direction);
// goose's ENVSUB ON (goose_envsub.cpp): `lines` (begin, end without the line break) are those goose
// interpolates; out.text becomes what goose sends, out.replaced maps it to the file and names
// each expansion, whose value only the deploy environment knows.
void apply_goose_envsub(PreparedSource& out, const std::vector<std::pair<std::size_t, std::size_t>>& lines);

// Whether `text` holds a dbmate `-- migrate:up` or `-- migrate:down` directive as dbmate's regular
// expressions match it.
[[nodiscard]] bool dbmate_file(std::string_view text);
void prepare_dbmate(PreparedSource& out, Direction direction);

// Where node-pg-migrate's first `direction` ("up" or "down") marker starts, as content.search
// finds `/^\s*--[\s-]*up\s+migration/im` (a line start after LF, CR, U+2028 or U+2029; ECMAScript's
// white space), or npos (node_pg_migrate_markers.cpp).
[[nodiscard]] std::size_t node_pg_migrate_marker(std::string_view text, std::string_view direction);

}  // namespace pgfence::analyze
