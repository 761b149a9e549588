#include "bot/pre_existing.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analyze/tokens.hpp"

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

// A file's text with what the analysis says of its statements: their keys, the keys of their
// subcommands, and each line's text for the suppressions.
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
        for (const auto& s : report.statements) {
            bool down = std::any_of(regions.begin(), regions.end(), [&](const analyze::Region& r) {
                return r.down && r.begin <= s.span.begin && s.span.begin < r.end;
            });
            std::string side = down ? "down " : "up ";
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

    // The lines that hold a pgfence-ignore comment, trimmed.
    [[nodiscard]] std::set<std::string> suppression_lines() const {
        std::set<std::string> out;
        for (std::size_t i = 0; i < m_line_starts.size(); ++i) {
            std::string text = line(static_cast<int>(i) + 1);
            if (text.find("pgfence-ignore") != std::string::npos) out.insert(std::move(text));
        }
        return out;
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

}  // namespace

std::vector<bool> compare_with_base(FileReport& file, const FileVersion& head, const FileVersion& base,
                                    const diff::ChangedFile& change, analyze::Direction direction, bool mark) {
    Version now(file, head, direction);
    // Which statements of the head the base has: each base statement vouches for one.
    std::map<std::string, int> on_base;
    std::set<std::string> parts_on_base;
    std::set<std::string> base_suppressions;
    if (base.report != nullptr) {
        Version before(*base.report, base, direction);
        for (const auto& key : before.keys()) ++on_base[key];
        for (const auto& parts : before.parts()) parts_on_base.insert(parts.begin(), parts.end());
        base_suppressions = before.suppression_lines();
    }
    std::vector<bool> old_statement(file.statements.size(), false);
    bool any_new = false;
    for (std::size_t i = 0; i < file.statements.size(); ++i) {
        auto it = on_base.find(now.keys()[i]);
        if (it != on_base.end() && it->second > 0) {
            --it->second;
            old_statement[i] = true;
        } else {
            any_new = true;
        }
    }
    auto statement_old = [&](const Finding& f, const StatementFacts* s) {
        auto i = static_cast<std::size_t>(s - file.statements.data());
        if (old_statement[i]) return true;
        const auto& parts = now.parts()[i];
        return f.subcommand >= 0 && static_cast<std::size_t>(f.subcommand) < parts.size() &&
               parts_on_base.contains(parts[static_cast<std::size_t>(f.subcommand)]);
    };
    auto pre_existing = [&](const Finding& f) {
        if (base.report == nullptr) return false;
        if (const StatementFacts* s = statement_of(file, f.statement)) return statement_old(f, s);
        if (f.start.line <= 0) return !any_new;  // about the whole file
        // On a comment line (a suppression's own findings): new when the diff added the line.
        return !change.touches(f.start.line, std::max(f.start.line, f.stop.line));
    };
    if (mark) {
        for (auto* list : {&file.findings, &file.suppressed}) {
            for (auto& f : *list) f.pre_existing = pre_existing(f);
        }
    }
    std::vector<bool> from_base;
    for (const auto& f : file.suppressed) {
        bool there = false;
        if (f.suppressed_by) {
            std::string line = now.line(f.suppressed_by->line);
            there = !line.empty() && base_suppressions.contains(line);
            if (there && !f.suppressed_by->whole_file) {
                const StatementFacts* s = statement_of(file, f.statement);
                there = s != nullptr && statement_old(f, s);
            }
        }
        from_base.push_back(there);
    }
    return from_base;
}

}  // namespace pgfence::bot
