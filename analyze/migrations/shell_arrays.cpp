// An array assignment over several lines (nango's deploy.yaml: `results=(`, one
// `"${{ needs.x.result }}"` a line, `)`): its lines are the array's words, not commands (bash
// manual, "Arrays": `name=(value1 value2 ... )`, the words may span lines). Review90 D.
#include <cctype>

#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {

namespace {

std::string_view trimmed(std::string_view l) {
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    return l;
}

}  // namespace

bool opens_array(std::string_view line) {
    std::string_view l = trimmed(line);
    for (std::string_view w : {"local ", "readonly ", "declare -a ", "export "}) {
        if (l.starts_with(w)) l.remove_prefix(w.size());
    }
    if (!l.ends_with("=(")) return false;
    l.remove_suffix(2);
    if (l.ends_with('+')) l.remove_suffix(1);
    if (l.empty() || std::isdigit(static_cast<unsigned char>(l.front())) != 0) return false;
    for (char c : l) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
    }
    return true;
}

ArrayLine array_line(std::string_view line) {
    const std::string_view l = trimmed(line);
    if (l == ")") return ArrayLine::closes;
    // Words only: a command substitution, a `)` that ends the list mid-line, an operator or a
    // redirection, and the line is read as a command, as before.
    if (l.find("$(") != std::string_view::npos || l.find_first_of("`);&|<>#\\") != std::string_view::npos) return ArrayLine::other;
    // Each quote closed on the line (a quote left open runs on: read as before).
    std::size_t doubles = 0, singles = 0;
    for (char c : l) {
        doubles += c == '"' ? 1 : 0;
        singles += c == '\'' ? 1 : 0;
    }
    if (doubles % 2 != 0 || singles % 2 != 0) return ArrayLine::other;
    return ArrayLine::words;
}

}  // namespace pgfence::analyze::tools::deploy_detail
