#pragma once
// Which findings say pgfence did not see the SQL: never clean, a person reviews them whatever their
// risk (issue #53; red team r70 F8: an unparsable statement is SQL pgfence did not see too).
#include <string_view>

namespace pgfence::analyze {

// unknown-statement (not visible statically) and unparsable-statement (text the parser rejects,
// such as a psql `\gexec` line, that the tool still sends).
[[nodiscard]] inline bool unseen_rule(std::string_view rule) {
    return rule == "unknown-statement" || rule == "unparsable-statement";
}

}  // namespace pgfence::analyze
