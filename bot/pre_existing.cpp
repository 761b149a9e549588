#include "bot/pre_existing.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include "analyze/parse/tokens.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {
namespace {

using analyze::FileReport;
using analyze::Finding;
using analyze::StatementFacts;

// The tokens of `sql` without comments, one space apart; a trailing comma left out (the one
// between two subcommands).
std::string tokens_of(std::string_view sql) {
    std::string out;
    std::string_view last;
    analyze::Tokenizer tokens(sql);
    for (analyze::Token t; tokens.next(t);) {
        if (t.is_comment()) continue;
        if (!last.empty()) {
            if (!out.empty()) out += ' ';
            out.append(last);
        }
        last = sql.substr(t.begin, t.end - t.begin);
    }
    if (!last.empty() && last != ",") out += (out.empty() ? "" : " ") + std::string(last);
    return out;
}

std::string trimmed(std::string_view line) {
    auto first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = line.find_last_not_of(" \t\r\n");
    return std::string(line.substr(first, last - first + 1));
}

// The settings in force that change what a statement does (the objects its names resolve to,
// how it converts timestamps, whether triggers and foreign keys fire) and the transaction it
// runs in, as one key part.
std::string meaning_of(const StatementFacts& s) {
    // The transaction the tool's settings put it in (goose NO TRANSACTION, dbmate
    // transaction:false, diesel's run_in_transaction): autocommit, the file's or an explicit one.
    std::string out = std::to_string(static_cast<int>(s.transaction)) + '\x1e';
    for (const auto* value : {&s.settings->search_path, &s.settings->timezone, &s.settings->session_replication_role}) {
        out += value->has_value() ? "=" + **value : std::string("-");
        out += '\x1e';
    }
    return out;
}

// How each statement's explicit transaction ends: the tokens of the COMMIT, ROLLBACK (not
// ROLLBACK TO a savepoint), END, ABORT or PREPARE TRANSACTION that closes the block it runs in;
// "" outside one, "open" for a block the file leaves open.
std::vector<std::string> transaction_outcomes(const FileReport& report) {
    std::vector<std::string> out(report.statements.size());
    std::string pending = "open";
    for (std::size_t i = report.statements.size(); i-- > 0;) {
        const StatementFacts& s = report.statements[i];
        std::string words = tokens_of(s.sql);
        std::transform(words.begin(), words.end(), words.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        bool ends = (words.starts_with("COMMIT") && !words.starts_with("COMMIT PREPARED")) || words.starts_with("END") ||
                    words.starts_with("ABORT") || words.starts_with("PREPARE TRANSACTION") ||
                    (words.starts_with("ROLLBACK") && !words.starts_with("ROLLBACK TO") && !words.starts_with("ROLLBACK PREPARED"));
        if (ends) pending = words;
        if (s.transaction == analyze::Transaction::Explicit) out[i] = pending;
        bool begins = words.starts_with("BEGIN") || words.starts_with("START TRANSACTION");
        if (begins) pending = "open";
    }
    return out;
}

// A digest of `bytes` (git's blob id: SHA-1 with collision detection in libgit2); when it cannot
// be computed, a value no other statement shares, so nothing matches and all is new.
std::string digest(std::string_view bytes) {
    auto id = diff::Repository::blob_id(bytes);
    if (id) return *id;
    static std::size_t unmatched = 0;
    return "unhashed " + std::to_string(++unmatched);
}

bool ends_transaction(std::string_view upper_words) {
    return (upper_words.starts_with("COMMIT") && !upper_words.starts_with("COMMIT PREPARED")) || upper_words.starts_with("END") ||
           upper_words.starts_with("ABORT") || upper_words.starts_with("PREPARE TRANSACTION") ||
           (upper_words.starts_with("ROLLBACK") && !upper_words.starts_with("ROLLBACK TO") &&
            !upper_words.starts_with("ROLLBACK PREPARED"));
}

// What decides whether and how each statement runs besides its own text, as one key part per
// statement: every statement before it in the file (any can raise, change a setting, define or
// replace a function it calls, create or drop what it touches) and every statement after it up
// to the end of its transaction (a later failure rolls it back; to the file's end when the tool
// wraps the file in one). Statements are compared by their tokens without comments, so a
// comment-only edit changes nothing. Chained digests keep this linear: each statement's tokens
// are hashed once on each side.
std::vector<std::string> contexts_of(const FileReport& report) {
    const std::size_t n = report.statements.size();
    std::vector<std::string> tokens(n);
    for (std::size_t i = 0; i < n; ++i) tokens[i] = tokens_of(report.statements[i].sql);
    std::vector<std::string> out(n);
    std::string before;
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = before + '\x1e';
        before = digest(before + '\x1e' + tokens[i]);
    }
    std::string after;
    std::vector<std::string> tails(n);
    for (std::size_t i = n; i-- > 0;) {
        std::string words = tokens[i];
        std::transform(words.begin(), words.end(), words.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        const bool ends = ends_transaction(words);
        const bool begins = words.starts_with("BEGIN") || words.starts_with("START TRANSACTION");
        if (ends || (report.statements[i].transaction == analyze::Transaction::None && !begins)) after.clear();
        tails[i] = after;
        after = (report.statements[i].transaction == analyze::Transaction::None && !ends && !begins)
                    ? std::string()
                    : digest(tokens[i] + '\x1e' + after);
        if (begins) after.clear();
    }
    for (std::size_t i = 0; i < n; ++i) out[i] += tails[i] + '\x1d';
    return out;
}

// A savepoint's name as PostgreSQL folds it: a quoted name as written, any other in lower case.
std::string savepoint_name(std::string_view token) {
    if (token.size() >= 2 && token.front() == '"') return std::string(token.substr(1, token.size() - 2));
    std::string out(token);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Which statements a ROLLBACK TO SAVEPOINT undoes: those run since the savepoint it names was
// set (the latest of that name still open; a RELEASE or a rollback of the transaction ends the
// ones above it), "undone" for them. Changing ROLLBACK TO into RELEASE keeps what they did.
std::vector<std::string> savepoint_outcomes(const FileReport& report) {
    std::vector<std::string> out(report.statements.size());
    std::vector<std::pair<std::string, std::size_t>> open;  // savepoint name, the first statement after it
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        std::vector<std::string> words;
        analyze::Tokenizer tokens(report.statements[i].sql);
        for (analyze::Token t; tokens.next(t) && words.size() < 6;) {
            if (t.is_comment()) continue;
            std::string word(report.statements[i].sql.substr(t.begin, t.end - t.begin));
            if (word.front() != '"') {
                std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            }
            words.push_back(std::move(word));
        }
        if (!words.empty() && words.back() == ";") words.pop_back();
        auto word = [&](std::size_t k) { return k < words.size() ? words[k] : std::string(); };
        // The name after the statement's keywords (ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] s, RELEASE [SAVEPOINT] s).
        auto name_after = [&](std::size_t k) {
            if (word(k) == "SAVEPOINT" && k + 1 < words.size()) ++k;
            return savepoint_name(word(k));
        };
        const std::string first = word(0);
        if (first == "SAVEPOINT" && words.size() >= 2) {
            open.emplace_back(savepoint_name(word(1)), i + 1);
        } else if (first == "ROLLBACK" || first == "RELEASE") {
            std::size_t k = 1;
            if (first == "ROLLBACK" && (word(k) == "WORK" || word(k) == "TRANSACTION")) ++k;
            const bool to = first == "RELEASE" || word(k) == "TO";
            if (!to) {
                open.clear();  // the transaction ends
                continue;
            }
            const std::string name = name_after(first == "ROLLBACK" ? k + 1 : k);
            auto it = std::find_if(open.rbegin(), open.rend(), [&](const auto& sp) { return sp.first == name; });
            if (it == open.rend()) continue;
            const std::size_t from = it->second;
            open.erase(it.base() - (first == "ROLLBACK" ? 0 : 1), open.end());  // ROLLBACK TO keeps s itself
            if (first == "ROLLBACK") {
                for (std::size_t j = from; j < i; ++j) out[j] = "undone";
                open.back().second = i + 1;  // the savepoint stands again from here
            }
        } else if (first == "COMMIT" || first == "END" || first == "ABORT" || first == "PREPARE") {
            open.clear();
        }
    }
    return out;
}

// A file's text with what the analysis says of its statements: their keys, the keys of their
// subcommands, and each line's text for the suppressions' comments.
class Version {
public:
    Version(const FileReport& report, const FileVersion& v, analyze::Direction direction) : m_text(v.text) {
        for (std::size_t at = 0;;) {
            m_line_starts.push_back(at);
            std::size_t nl = m_text.find('\n', at);
            if (nl == std::string_view::npos) break;
            at = nl + 1;
        }
        // Which statements come from a down part: the regions the analysis read (SQL files; an
        // ORM script's statements are extracted from its calls and are all read as up).
        std::vector<analyze::Region> regions;
        if (report.source_kind == "sql") regions = analyze::prepare_source(v.path, v.text, direction, v.metadata).regions;
        const std::vector<std::string> outcomes = transaction_outcomes(report);
        const std::vector<std::string> undone = savepoint_outcomes(report);
        const std::vector<std::string> contexts = contexts_of(report);
        for (std::size_t i = 0; i < report.statements.size(); ++i) {
            const StatementFacts& s = report.statements[i];
            bool down = std::any_of(regions.begin(), regions.end(), [&](const analyze::Region& r) {
                return r.down && r.begin <= s.span.begin && s.span.begin < r.end;
            });
            // What the statement does, not only its text: the settings that change its meaning
            // and how its transaction ends (ROLLBACK made COMMIT runs what never ran), or the
            // savepoint it runs under (ROLLBACK TO made RELEASE keeps what was undone).
            std::string side = std::string(down ? "down " : "up ") + meaning_of(s) + outcomes[i] + '\x1e' + undone[i] + "\x1d" +
                               contexts[i];
            m_keys.push_back(side + tokens_of(s.sql));
            std::vector<std::string> parts;
            // Subcommands are cut from the file's own text: an ORM statement's SQL is not there.
            if (report.source_kind == "sql" && !s.subcommands.empty()) {
                std::vector<std::size_t> starts;
                for (const auto& part : s.subcommands) starts.push_back(offset_of(part.start));
                std::string head = tokens_of(slice(s.span.begin, starts.front()));
                for (std::size_t i = 0; i < starts.size(); ++i) {
                    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : s.span.end;
                    parts.push_back(side + head + "\x1f" + tokens_of(slice(starts[i], end)));
                }
            }
            m_parts.push_back(std::move(parts));
        }
    }

    [[nodiscard]] const std::vector<std::string>& keys() const { return m_keys; }
    [[nodiscard]] const std::vector<std::vector<std::string>>& parts() const { return m_parts; }

    // Line `number` (1-based), trimmed; "" past the end.
    [[nodiscard]] std::string line(int number) const {
        if (number < 1 || static_cast<std::size_t>(number) > m_line_starts.size()) return {};
        std::size_t at = m_line_starts[static_cast<std::size_t>(number) - 1];
        std::size_t end = std::min(m_text.find('\n', at), m_text.size());
        return trimmed(m_text.substr(at, end - at));
    }

private:
    std::string_view slice(std::size_t begin, std::size_t end) const {
        begin = std::min(begin, m_text.size());
        end = std::clamp(end, begin, m_text.size());
        return m_text.substr(begin, end - begin);
    }

    // A position (columns count characters) as a byte offset.
    std::size_t offset_of(analyze::Position p) const {
        if (p.line < 1 || static_cast<std::size_t>(p.line) > m_line_starts.size()) return m_text.size();
        std::size_t at = m_line_starts[static_cast<std::size_t>(p.line) - 1];
        for (int column = 1; at < m_text.size(); ++at) {
            if ((static_cast<unsigned char>(m_text[at]) & 0xC0) != 0x80 && column++ == p.column) break;
        }
        return at;
    }

    std::string_view m_text;
    std::vector<std::size_t> m_line_starts;
    std::vector<std::string> m_keys;
    std::vector<std::vector<std::string>> m_parts;
};

const StatementFacts* statement_of(const FileReport& file, int index) {
    if (index < 0) return nullptr;
    auto i = static_cast<std::size_t>(index);
    if (i < file.statements.size() && file.statements[i].index == index) return &file.statements[i];
    for (const auto& s : file.statements) {
        if (s.index == index) return &s;
    }
    return nullptr;
}

// What the base analysis found, by where: a finding of the base is known by its statement (the
// index into the base report's statements, -1 for the file), its subcommand, rule and message.
class BaseFindings {
public:
    static constexpr unsigned k_live = 1;
    static constexpr unsigned k_suppressed = 2;

    explicit BaseFindings(const FileReport* base) {
        if (base == nullptr) return;
        for (const auto& f : base->findings) m_seen[key(f.statement, f.subcommand, f)] |= k_live;
        for (const auto& f : base->suppressed) m_seen[key(f.statement, f.subcommand, f)] |= k_suppressed;
    }

    // How the base had a finding like `f` at `statement` (subcommand `subcommand`): k_live,
    // k_suppressed, both or neither.
    [[nodiscard]] unsigned at(int statement, int subcommand, const Finding& f) const {
        auto it = m_seen.find(key(statement, subcommand, f));
        return it == m_seen.end() ? 0U : it->second;
    }

private:
    static std::string key(int statement, int subcommand, const Finding& f) {
        // The called statement too (a finding at a call): a rewritten body is new behind the same call.
        return std::to_string(statement) + '\x1f' + std::to_string(subcommand) + '\x1f' + f.rule + '\x1f' + f.message + '\x1f' +
               f.subject;
    }
    std::map<std::string, unsigned> m_seen;
};

}  // namespace

std::vector<bool> compare_with_base(FileReport& file, const FileVersion& head, const FileVersion& base,
                                    const diff::ChangedFile& change, analyze::Direction direction, bool mark) {
    Version now(file, head, direction);
    BaseFindings base_findings(base.report);
    // Which statement of the base each head statement is: each base statement vouches for one,
    // and each subcommand of a base statement no head statement matched in full for one
    // subcommand of a head statement matched by none (a multiset: a copy matches nothing).
    constexpr std::pair<int, int> k_none{-1, -1};
    std::vector<int> matched(file.statements.size(), -1);  // the base statement's index
    std::vector<std::vector<std::pair<int, int>>> matched_parts(file.statements.size());
    std::set<std::string> base_suppressions;  // the trimmed lines of the base's live suppressions
    bool any_new = false;
    if (base.report != nullptr) {
        Version before(*base.report, base, direction);
        const auto& base_statements = base.report->statements;
        std::map<std::string, std::deque<std::size_t>> on_base;
        for (std::size_t j = 0; j < before.keys().size(); ++j) on_base[before.keys()[j]].push_back(j);
        std::vector<bool> used(base_statements.size(), false);
        for (std::size_t i = 0; i < file.statements.size(); ++i) {
            auto it = on_base.find(now.keys()[i]);
            if (it != on_base.end() && !it->second.empty()) {
                std::size_t j = it->second.front();
                it->second.pop_front();
                used[j] = true;
                matched[i] = base_statements[j].index;
            } else {
                any_new = true;
            }
        }
        std::map<std::string, std::deque<std::pair<int, int>>> parts_on_base;
        for (std::size_t j = 0; j < before.parts().size(); ++j) {
            if (used[j]) continue;
            const auto& parts = before.parts()[j];
            for (std::size_t k = 0; k < parts.size(); ++k) {
                parts_on_base[parts[k]].emplace_back(base_statements[j].index, static_cast<int>(k));
            }
        }
        for (std::size_t i = 0; i < file.statements.size(); ++i) {
            if (matched[i] >= 0) continue;
            for (const auto& part : now.parts()[i]) {
                auto it = parts_on_base.find(part);
                if (it != parts_on_base.end() && !it->second.empty()) {
                    matched_parts[i].push_back(it->second.front());
                    it->second.pop_front();
                } else {
                    matched_parts[i].push_back(k_none);
                }
            }
        }
        for (const auto& f : base.report->suppressed) {
            if (f.suppressed_by) base_suppressions.insert(before.line(f.suppressed_by->line));
        }
        base_suppressions.erase(std::string());
    }
    // How the base had `f`, when `f` stands where the base had it: on the base statement its
    // statement (or subcommand) matched, for the whole file when no statement is new, on a
    // comment line the diff did not touch.
    auto on_base = [&](const Finding& f) -> unsigned {
        if (base.report == nullptr) return 0;
        if (const StatementFacts* s = statement_of(file, f.statement)) {
            auto i = static_cast<std::size_t>(s - file.statements.data());
            if (matched[i] >= 0) return base_findings.at(matched[i], f.subcommand, f);
            const auto& parts = matched_parts[i];
            if (f.subcommand < 0 || static_cast<std::size_t>(f.subcommand) >= parts.size()) return 0;
            auto [statement, subcommand] = parts[static_cast<std::size_t>(f.subcommand)];
            return statement < 0 ? 0 : base_findings.at(statement, subcommand, f);
        }
        if (f.statement >= 0) return 0;
        if (f.start.line <= 0) return any_new ? 0 : base_findings.at(-1, f.subcommand, f);  // the whole file
        // On a comment line (a suppression's own findings): new when the diff added the line.
        if (change.touches(f.start.line, std::max(f.start.line, f.stop.line))) return 0;
        return base_findings.at(-1, f.subcommand, f);
    };
    if (mark) {
        for (auto* list : {&file.findings, &file.suppressed}) {
            for (auto& f : *list) f.pre_existing = on_base(f) != 0;
        }
    }
    // A suppression stands on the base branch for a finding the base had, and hid there, where
    // the head has it, by the same comment line: the base reviewed that comment for the
    // statements it had then, not for those added below it.
    std::vector<bool> from_base;
    for (const auto& f : file.suppressed) {
        bool there = false;
        if (f.suppressed_by) {
            std::string line = now.line(f.suppressed_by->line);
            there = !line.empty() && base_suppressions.contains(line) &&
                    (on_base(f) & BaseFindings::k_suppressed) != 0;
        }
        from_base.push_back(there);
    }
    return from_base;
}

}  // namespace pgfence::bot
