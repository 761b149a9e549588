// A script's name for the folder it runs in: `dir=$(pwd)` (review90 I, nango's
// packages/server/entrypoint.sh: `dir=$(pwd)`, then `node "$dir/packages/server/dist/server.js"`).
#include <cctype>

#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {

std::optional<std::pair<std::string, std::string>> pwd_assignment(std::string_view line, const std::optional<std::string>& cwd) {
    if (!cwd) return std::nullopt;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    for (std::string_view w : {"export ", "local ", "readonly ", "declare "}) {
        if (line.starts_with(w)) line.remove_prefix(w.size());
    }
    std::size_t eq = 0;
    while (eq < line.size() && (std::isalnum(static_cast<unsigned char>(line[eq])) != 0 || line[eq] == '_')) ++eq;
    if (eq == 0 || eq >= line.size() || line[eq] != '=' || std::isdigit(static_cast<unsigned char>(line.front())) != 0) return std::nullopt;
    std::string_view value = line.substr(eq + 1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == ';')) value.remove_suffix(1);
    // pwd(1) and bash's PWD: the shell's working directory when the line runs (bash manual, "Bash
    // Variables": PWD, "The current working directory as set by the cd builtin"). Only these
    // forms, the whole value; any other command's output is not known.
    for (std::string_view form : {"$(pwd)", "\"$(pwd)\"", "`pwd`", "\"`pwd`\"", "$PWD", "\"$PWD\"", "${PWD}", "\"${PWD}\""}) {
        if (value == form) return std::pair{std::string(line.substr(0, eq)), *cwd};
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools::deploy_detail
