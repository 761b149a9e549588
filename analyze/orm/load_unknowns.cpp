// One unknown per migration that uses a connection of its own (stranger review 88 A: chartbrew's
// data migrations loaded the app's models, whose index.js writes Node's crypto and reads its
// folder with fs, and then queried through them: three unknowns for the one thing a person
// reviews). A script whose up() uses a connection or program it opens itself is unknown at that
// call; what the modules it loads run at load (module_loads.cpp, reach.cpp) is then said in that
// finding, at its own lines, instead of apart. A script without such a call keeps each.
#include <algorithm>
#include <vector>

#include "analyze/orm/load_unknowns.hpp"

#include "analyze/orm/escapes.hpp"

namespace pgfence::analyze::orm {
namespace {

// The reasons module_loads.cpp (whys_through) and reach.cpp (report_reach) give a load, save one
// that names a driver or a way to run a program (`require of 'pg'`: the load itself may send SQL,
// so it keeps its own line).
bool load_reason(const std::string& why) {
    const bool load = why.find(", which this script loads (its code runs in the same process, before the migration's up()): ") != std::string::npos ||
                      why.find(", loaded when the migration is): ") != std::string::npos;
    if (!load) return false;
    for (std::string_view how : {"require of '", "import of '"}) {
        for (std::size_t at = why.find(how); at != std::string::npos; at = why.find(how, at + 1)) {
            const std::size_t from = at + how.size(), to = why.find('\'', from);
            if (to != std::string::npos && driver_module(std::string_view(why).substr(from, to - from))) return false;
        }
    }
    return true;
}

int line_of(std::string_view text, std::size_t at) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(at, text.size())), '\n'));
}

}  // namespace

void fold_load_unknowns(Extraction& out, std::string_view text) {
    auto own = std::find_if(out.pieces.begin(), out.pieces.end(), [](const SqlPiece& p) {
        return p.unknown.find(" uses a database connection or program the migration opens itself") != std::string::npos;
    });
    if (own == out.pieces.end()) return;
    std::string said;
    std::size_t folded = 0;
    for (const SqlPiece& p : out.pieces) {
        if (p.unknown.empty() || !load_reason(p.unknown)) continue;
        if (++folded <= 4) said += (said.empty() ? "" : "; ") + ("line " + std::to_string(line_of(text, p.begin)) + ": " + p.unknown.substr(0, 400));
    }
    if (folded == 0) return;
    if (folded > 4) said += "; and " + std::to_string(folded - 4) + " more";
    const std::size_t kept = static_cast<std::size_t>(own - out.pieces.begin());
    std::vector<SqlPiece> pieces;
    for (std::size_t i = 0; i < out.pieces.size(); ++i) {
        if (i == kept || out.pieces[i].unknown.empty() || !load_reason(out.pieces[i].unknown)) pieces.push_back(std::move(out.pieces[i]));
    }
    out.pieces = std::move(pieces);
    for (SqlPiece& p : out.pieces) {
        if (p.unknown.find(" uses a database connection or program the migration opens itself") == std::string::npos) continue;
        p.unknown += ". What the script loads runs too, in the same process, and is not followed either (" + said + ")";
        break;
    }
}

}  // namespace pgfence::analyze::orm
