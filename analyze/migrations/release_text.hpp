#pragma once
// The text of a release tool's JSON or YAML settings (.releaserc*, .release-it.*, red team R88 F1):
// decoding a quoted string's escapes as the tools' parsers do (JSON.parse, the yaml package
// cosmiconfig loads YAML with), and the lines pgfence's line reader cannot read soundly.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pgfence::analyze::tools {

// The escape `\...` that starts at `s[at]` (s[at] == '\\') decoded as JSON and YAML 1.2
// double-quoted scalars do (\uXXXX with surrogate pairs, \xXX, \UXXXXXXXX as UTF-8; \n \t \r \b \f
// \/ \" \\ \0 \a \v \e \N \_ \L \P and `\ `): true with `out` extended and `at` on its last byte;
// false for one neither decodes.
[[nodiscard]] bool decode_escape(std::string_view s, std::size_t& at, std::string& out);

// Why a line of a release tool's JSON or YAML settings cannot be read by lines: a `\` escape
// decode_escape does not know, a quoted string that goes on past the line (YAML folds it), or,
// outside quotes, a YAML tag (`!!str`, `!x`), anchor (`&a`), alias (`*a`), merge key (`<<`) or
// explicit key (`? `), each of which changes what the tool reads. "" for an ordinary line.
[[nodiscard]] std::string release_line_opaque(std::string_view line);

// The object a package.json's key opens (`"release": {...}`, `"release-it": {...}`), and the
// line it starts on; nullopt where the key holds no object.
[[nodiscard]] std::optional<std::pair<std::string_view, int>> package_json_object(std::string_view text, std::string_view key);

}  // namespace pgfence::analyze::tools
