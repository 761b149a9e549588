#pragma once
// One unknown per migration that uses a connection of its own (load_unknowns.cpp).
#include <string_view>

#include "analyze/orm/extract.hpp"

namespace pgfence::analyze::orm {

// When a piece of `out` is unknown because the script uses a database connection or program of
// its own, the unknowns of what its modules run at load fold into that piece's reason, at their
// lines; otherwise nothing changes. `text`: the script.
void fold_load_unknowns(Extraction& out, std::string_view text);

}  // namespace pgfence::analyze::orm
