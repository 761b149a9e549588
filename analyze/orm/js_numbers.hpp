#pragma once
// A JavaScript number literal as the script's string concatenation turns it into text:
// `"DROP TABLE users" + 0x10` sends `DROP TABLE users16`, `"events_" + 2024e0` `events_2024`,
// `"t" + 1_0` `t10` (ECMAScript Number::toString, the shortest text that reads back as the same
// number). Red team r70 F13-C: the literal as written was spliced into the SQL instead.
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze::orm {

// The text JavaScript's String(literal) gives for a numeric literal token (`16` for `0x10`,
// `100` for `1e2`, `0.5` for `.5`, `1e+21` for `1e21`); nullopt for what this does not read
// exactly: a BigInt (`10n`), a legacy octal or a decimal with a leading zero (`010`, `08`: an
// error in strict code), a hexadecimal, octal or binary integer past 2^53, or a malformed one.
[[nodiscard]] std::optional<std::string> js_number_text(std::string_view literal);

}  // namespace pgfence::analyze::orm
