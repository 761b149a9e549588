#pragma once
// `pr --capture`: which lines of a Rails, Django or Alembic migration keep it from being judged by
// its capture alone. An allowlist, not a denylist: a statement passes only when it is the tool's
// migration DSL with literal arguments (the shapes `rails generate migration`, `makemigrations` and
// `alembic revision --autogenerate` write), a comment, a docstring or the file's structure (the
// Migration class, `def change`/`upgrade`, `end`). Anything else (a name pgfence does not know, an
// operator, a subscript, a call on a call's result, an f-string or an interpolated string, an
// import of a module not on the list, such as the project's own, which pgfence does not follow)
// makes what runs possibly depend on data, the environment or code not read: one unknown per such
// statement, at the line of its first token off the list. Linear in the file.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::bot {

struct UnlistedLine {
    int line = 0;
    std::string why;
};

[[nodiscard]] std::vector<UnlistedLine> unlisted_python(std::string_view code);
[[nodiscard]] std::vector<UnlistedLine> unlisted_ruby(std::string_view code);

}  // namespace pgfence::bot
