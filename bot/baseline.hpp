#pragma once
// `analyze --baseline FILE`: today's findings recorded once, so that later runs report only the
// new ones. The file is text, one finding per line, sorted, each line a JSON object with the
// same keys in the same order, so that it reads and diffs well (docs/cli.md "Baseline"):
//   {"file":"db/001_init.sql","rule":"create-index-without-concurrently","statement":"9f3c...","line":6}
// A finding matches an entry by its file (relative to the baseline's folder), its rule and the
// fingerprint of its statement's text (whitespace folded), never by its line, which moves when
// lines are added above it; two equal findings need two entries.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"

namespace pgfence::bot {

class Baseline {
public:
    // Reads `path`; a missing file is an empty baseline to be written (exists() false). An Error
    // with the file and line for a line that is not an entry.
    [[nodiscard]] static analyze::Result<Baseline> load(const std::string& path);
    // Honours only the entries `base` (the same file at the merge base, analyze --changed-since)
    // holds too, as many times as it holds them: a pull request that adds its own finding to the
    // baseline does not hide it (red team R83 F5). Returns how many entries are not honoured.
    std::size_t honour_only(const std::string& base_text);
    // The same, and says which: each entry not honoured as its line in the baseline file and a
    // description (file, rule).
    std::vector<std::pair<int, std::string>> honour_only_listed(const std::string& base_text);

    [[nodiscard]] bool exists() const { return m_exists; }
    // Removes from `file` the findings the baseline holds, and notes every finding it had (what
    // write() records). Thread-safe: called on the analysis workers.
    void filter(analyze::FileReport& file);
    // Writes every finding seen (not through a link); false after one error: line on `err`.
    [[nodiscard]] bool write(std::ostream& err) const;

    [[nodiscard]] std::size_t hidden() const { return m_hidden; }
    [[nodiscard]] std::size_t seen() const { return m_seen.size(); }
    // Entries of the files this run analysed that no finding matched: fixed, or their
    // statement edited. Those of files it did not analyse are neither stale nor dropped.
    [[nodiscard]] std::size_t stale() const;
    [[nodiscard]] const std::string& path() const { return m_path; }
    // Recording: every finding is noted and removed (the baseline is being written).
    void set_record_only(bool on) { m_record_only = on; }

private:
    using Key = std::tuple<std::string, std::string, std::string>;  // file, rule, statement
    struct Entry {
        Key key;
        int line = 0;
        int at = 0;  // its line in the baseline file
    };
    std::string relative(const std::string& file) const;
    // The entries of `text`, the baseline's content read from `path`.
    [[nodiscard]] analyze::Result<std::vector<Entry>> parse(std::string_view text) const;
    std::string m_path;
    std::string m_folder;  // absolute, where the entries' files are relative to
    bool m_exists = false;
    bool m_record_only = false;
    std::map<Key, std::size_t> m_left;  // entries not yet matched, counted
    std::vector<Entry> m_loaded;          // as read, for the files this run does not analyse
    std::set<std::string> m_analysed;     // the files this run analysed (relative)
    std::size_t m_entries = 0;
    std::size_t m_hidden = 0;
    std::vector<Entry> m_seen;
    std::unique_ptr<std::mutex> m_mutex = std::make_unique<std::mutex>();
};

}  // namespace pgfence::bot
