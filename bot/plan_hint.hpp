#pragma once
// `analyze` composes plans without a server: each is said to be composed, not rehearsed, with the
// `pgfence trace --plan` command that rehearses it from the history it was composed after
// (README "Migration plans").
#include <string>
#include <unordered_map>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::bot {

class PlanHint {
public:
    // `setup`: the --schema files; `history`: what was replayed before every file (--history's
    // files, the committed migrations), in order; `files`: the analysed files, each set's
    // together, in the order its tool applies them.
    PlanHint(int pg_version, std::vector<std::string> setup, const std::vector<std::string>& history,
             const std::vector<std::string>& files);

    // `pgfence trace --plan ...` for the file at `path`: its set's history and analysed files
    // before it, then it; shell-quoted where a name needs it.
    [[nodiscard]] std::string command(const std::string& path) const;
    // "composed, not rehearsed: <command> rehearses it ..." as the plan's first note.
    void mark(analyze::FileReport& report) const;
    // The plan folder's README: one paragraph, and each plan's command.
    [[nodiscard]] static std::string readme(const std::vector<std::pair<std::string, std::string>>& commands);

private:
    int m_pg_version;
    std::vector<std::string> m_setup;
    std::vector<std::string> m_shared;  // history outside the analysed files' sets
    std::unordered_map<std::string, std::vector<std::string>> m_by_set;  // history and files, in order
    std::unordered_map<std::string, std::size_t> m_position;  // set '\0' normal path -> its first index in m_by_set
};

// `text` as one shell word: as written when it is plain, else in single quotes.
[[nodiscard]] std::string shell_word(const std::string& text);

}  // namespace pgfence::bot
