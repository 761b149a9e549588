// A statement the plan builds again (a recipe's safe form, subcommands put back together) rather
// than copies: the comments inside it. A migration tool may substitute one (River's
// `DROP TABLE /* TEMPLATE: schema */river_client_queue`: rivermigrate replaces the marker with
// the schema it migrates, riverqueue/river rivermigrate/river_migrate.go), so a step that loses it
// runs on another schema's tables (review 89). The plan keeps such a comment where it was, between
// the same tokens, or is declined.
#pragma once

#include <string>
#include <string_view>

namespace pgfence::analyze::plan_comments {

// The first comment inside `original` (after its first token, before its last) that `rebuilt`
// does not keep as written, "" when every one is kept: a block comment with the tokens either
// side of it and the bytes between (`TABLE /* TEMPLATE: schema */river_client_queue`), a line
// comment its own text. Bounded: past k_most_work bytes compared, the rest count as lost.
[[nodiscard]] std::string lost_comment(std::string_view original, std::string_view rebuilt);

// The decline for statement `line` that would lose `comment`.
[[nodiscard]] std::string lost_comment_decline(int line, std::string_view comment);

}  // namespace pgfence::analyze::plan_comments
