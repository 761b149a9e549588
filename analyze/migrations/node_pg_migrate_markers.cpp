// node-pg-migrate's markers in a SQL migration, found as salsita/node-pg-migrate finds them
// (src/sqlMigration.ts, createMigrationCommentRegex and getActions): content.search of
// `^\s*--[\s-]*up\s+migration` and its down twin, flags `im`, on the file read as UTF-8.
#include "analyze/parse/tool_lines.hpp"
#include "analyze/migrations/tool_markers.hpp"

namespace pgfence::analyze {
namespace {

// The `i` flag without `u`: ECMAScript's Canonicalize never maps a character outside ASCII to
// one inside it, so only ASCII letters fold ('ſ' and the Kelvin sign do not match).
bool ascii_fold_at(std::string_view text, std::size_t at, std::string_view lower_word) {
    if (text.size() - at < lower_word.size()) return false;
    for (std::size_t i = 0; i < lower_word.size(); ++i) {
        char c = text[at + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_word[i]) return false;
    }
    return true;
}

std::size_t skip_js_space(std::string_view text, std::size_t at) {
    while (std::size_t n = js_space_at(text, at)) at += n;
    return at;
}

}  // namespace

// Each quantifier is followed by a character it cannot match (`\s*` by '-', `[\s-]*` by the
// direction's letter, `\s+` by 'm'), so the regular expression never backtracks into one, and
// the outcome of an attempt from a line start depends only on where its leading `\s*` ends, and
// then on where `[\s-]*` ends: a later line start whose runs end at the same places fails the
// same way and is not tried again. Linear in the text.
std::size_t node_pg_migrate_marker(std::string_view text, std::string_view direction) {
    std::size_t space_end = 0;  // where the last leading `\s*` run ended
    std::size_t failed_to = 0;  // attempts whose runs end at or before this fail
    bool failed = false;
    for (std::size_t p = 0; p <= text.size(); ++p) {
        if (!line_start(text, p, LineConvention::JavaScript)) continue;
        const std::size_t a = p < space_end ? space_end : skip_js_space(text, p);
        space_end = a;
        if (failed && a <= failed_to) continue;
        failed = true;
        failed_to = a;
        if (!text.substr(a).starts_with("--")) continue;
        std::size_t b = a + 2;
        while (b < text.size()) {
            if (text[b] == '-') ++b;
            else if (std::size_t n = js_space_at(text, b)) b += n;
            else break;
        }
        failed_to = b;
        if (!ascii_fold_at(text, b, direction)) continue;
        const std::size_t c = b + direction.size();
        const std::size_t d = skip_js_space(text, c);
        if (d == c || !ascii_fold_at(text, d, "migration")) continue;
        return p;
    }
    return std::string_view::npos;
}

}  // namespace pgfence::analyze
