// goose's annotations, read as pressly/goose reads them (internal/sqlparser/parser.go at v3.27:
// ParseSQLMigration and extractAnnotation; the rules below hold since v3.19.0, commit 48100ea).
#include <array>
#include <string>
#include <utility>

#include "analyze/parse/tool_lines.hpp"
#include "analyze/migrations/tool_markers.hpp"

namespace pgfence::analyze {
namespace {

bool want(Direction d, bool up) { return d == Direction::Both || (up ? d == Direction::Up : d == Direction::Down); }

// The byte length of the white space character `s` starts (or, with `back`, ends) with, as Go's
// unicode.IsSpace reads it (strings.TrimSpace): ASCII's, U+0085, U+00A0 and Unicode's Z ones.
std::size_t go_space(std::string_view s, bool back) {
    if (s.empty()) return 0;
    unsigned char c = static_cast<unsigned char>(back ? s.back() : s.front());
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') return 1;
    // Every wide space below begins and ends with a byte of 0x80 or more: none at an ASCII one
    // (most of every line, which prepare_goose reads through this, character by character).
    if (c < 0x80) return 0;
    static constexpr std::array<std::string_view, 17> k_wide = {
        "\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
        "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
        "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE3\x80\x80"};
    for (std::string_view w : k_wide) {
        if (back ? s.ends_with(w) : s.starts_with(w)) return w.size();
    }
    for (std::string_view w : {std::string_view("\xE2\x80\xAF"), std::string_view("\xE2\x81\x9F")}) {
        if (back ? s.ends_with(w) : s.starts_with(w)) return w.size();
    }
    return 0;
}

std::string_view go_trim(std::string_view s) {
    while (std::size_t n = go_space(s, false)) s.remove_prefix(n);
    while (std::size_t n = go_space(s, true)) s.remove_suffix(n);
    return s;
}

enum class Kind { None, Up, Down, StatementBegin, StatementEnd, NoTransaction, EnvsubOn, EnvsubOff, Invalid };

struct Annotation {
    Kind kind = Kind::None;
    // Why goose refuses the line (and with it the file), or empty. A line with leading white
    // space keeps the kind its text names, for goose_file, but is refused.
    std::string refused;
};

// strings.EqualFold(want, got) for an ASCII `want` (lower case): Unicode's simple folding also
// maps U+017F (long s) to 's' and U+212A (Kelvin sign) to 'k'.
bool equal_fold(std::string_view want, std::string_view got) {
    std::size_t i = 0;
    for (char w : want) {
        if (i >= got.size()) return false;
        unsigned char g = static_cast<unsigned char>(got[i]);
        if (w == 's' && got.substr(i).starts_with("\xC5\xBF")) {
            i += 2;
            continue;
        }
        if (w == 'k' && got.substr(i).starts_with("\xE2\x84\xAA")) {
            i += 3;
            continue;
        }
        if (g >= 'A' && g <= 'Z') g = static_cast<unsigned char>(g - 'A' + 'a');
        if (g != static_cast<unsigned char>(w)) return false;
        ++i;
    }
    return i == got.size();
}

// ParseSQLMigration: a line is an annotation when, trimmed, it starts with "--" and it holds
// "+goose" anywhere. extractAnnotation then refuses leading white space (' ' or '\t' only),
// removes every "--" and the first "+goose", refuses a second "+goose", trims, and compares the
// rest without case to its seven annotations; anything else is refused.
Annotation read_annotation(std::string_view line) {
    Annotation out;
    if (!go_trim(line).starts_with("--") || line.find("+goose") == std::string_view::npos) return out;
    std::string cmd;
    cmd.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '-' && i + 1 < line.size() && line[i + 1] == '-') {
            ++i;
            continue;
        }
        cmd += line[i];
    }
    cmd.erase(cmd.find("+goose"), 6);
    if (cmd.find("+goose") != std::string::npos) {
        out.kind = Kind::Invalid;
        out.refused = "goose refuses an annotation line with more than one +goose";
        return out;
    }
    std::string_view rest = go_trim(cmd);
    static constexpr std::array<std::pair<std::string_view, Kind>, 7> k_names = {{
        {"up", Kind::Up},
        {"down", Kind::Down},
        {"statementbegin", Kind::StatementBegin},
        {"statementend", Kind::StatementEnd},
        {"no transaction", Kind::NoTransaction},
        {"envsub on", Kind::EnvsubOn},
        {"envsub off", Kind::EnvsubOff},
    }};
    out.kind = Kind::Invalid;
    for (const auto& [name, kind] : k_names) {
        if (equal_fold(name, rest)) out.kind = kind;
    }
    if (out.kind == Kind::Invalid) {
        out.refused = rest.empty() ? "goose refuses an empty +goose annotation"
                                   : "goose knows no annotation of this name (Up, Down, StatementBegin, StatementEnd, "
                                     "NO TRANSACTION, ENVSUB ON, ENVSUB OFF)";
    }
    // goose before v3.19 (pressly/goose sqlparser/parser.go at v3.18.0: `if strings.HasPrefix(line, "--")`,
    // `cmd := strings.TrimSpace(strings.TrimPrefix(line, "--"))`, `case "+goose Down":`) knew these
    // four by their exact spelling and read any other comment as a comment: `-- +goose down`,
    // `-- +goose  Down` or a form feed before `--` split the file in two places depending on the
    // goose a project pins, so pgfence takes neither.
    static constexpr std::array<std::pair<Kind, std::string_view>, 4> k_before_319 = {{
        {Kind::Up, "+goose Up"}, {Kind::Down, "+goose Down"}, {Kind::StatementBegin, "+goose StatementBegin"},
        {Kind::StatementEnd, "+goose StatementEnd"}}};
    for (const auto& [kind, exact] : k_before_319) {
        if (out.kind == kind && !(line.starts_with("--") && go_trim(line.substr(2)) == exact)) {
            out.refused = "goose before v3.19 reads this line as a comment, not as '-- " + std::string(exact) +
                          "' (it matched the exact spelling): which part the statements after it run in depends on the goose version";
        }
    }
    if (line.starts_with(' ') || line.starts_with('\t')) {
        out.refused = "goose refuses an annotation with leading white space (goose before v3.19 read it as a comment, "
                      "so the statements after it run in the part the earlier annotation opened)";
    }
    return out;
}

// endsWithSemicolon: the last word before a word starting with "--" ends with ';'.
bool ends_with_semicolon(std::string_view line) {
    std::string_view prev;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && go_space(line.substr(i), false) > 0) i += go_space(line.substr(i), false);
        std::size_t start = i;
        while (i < line.size() && go_space(line.substr(i), false) == 0) ++i;
        std::string_view word = line.substr(start, i - start);
        if (word.empty()) break;
        if (word.starts_with("--")) break;
        prev = word;
    }
    return prev.ends_with(";");
}

}  // namespace

std::string_view go_trim_space(std::string_view s) { return go_trim(s); }

bool goose_file(std::string_view text) {
    if (text.find("+goose") == std::string_view::npos) return false;
    bool found = false;
    for_each_line(text, LineConvention::GoScanLines, [&](const ToolLine& line) {
        Kind k = read_annotation(line.text).kind;
        found = k == Kind::Up || k == Kind::Down || k == Kind::StatementBegin;
        return !found;
    });
    return found;
}

void prepare_goose(PreparedSource& out, Direction direction) {
    out.tool = MigrationTool::Goose;
    out.wrapped_in_transaction = true;
    // goose's states (parserState): before Up, in Up or Down, in a StatementBegin block of either.
    enum class State { Start, Up, UpBlock, Down, DownBlock } state = State::Start;
    bool up = true;  // text before the Up annotation, which goose refuses, is read as up
    bool in_block = false;
    bool pending = false;   // goose's buffer holds an unfinished statement
    bool buffered = false;  // goose's buffer is not empty (white space counts: buf.Len() > 0)
    bool refused_text_before_up = false;
    bool envsub = false;
    std::vector<std::pair<std::size_t, std::size_t>> envsub_lines;  // the SQL lines goose interpolates
    std::size_t region_start = 0;
    auto close_region = [&](std::size_t end, bool single) {
        if (want(direction, up) && end > region_start) out.regions.push_back(Region{region_start, end, single, !up});
    };
    auto refuse = [&](std::size_t at, std::string why) { out.refusals.push_back(ToolRefusal{at, std::move(why)}); };
    std::string_view text = out.text;
    // goose's lines are bufio.Scanner's (tool_lines.hpp, GoScanLines): `SELECT 1;\r-- +goose Down`
    // is one line, SQL, and no annotation.
    for_each_line(text, LineConvention::GoScanLines, [&](const ToolLine& l) {
        const std::size_t start = l.begin;
        const std::size_t end = l.next;
        std::string_view line = l.text;
        Annotation a = read_annotation(line);
        if (!a.refused.empty()) refuse(start, a.refused);
        Kind k = a.refused.empty() ? a.kind : Kind::None;
        switch (k) {
            case Kind::Up:
                if (state != State::Start) refuse(start, "goose refuses a second '-- +goose Up' annotation");
                close_region(start, false);
                up = true;
                state = State::Up;
                region_start = end;
                break;
            case Kind::Down:
                if (state != State::Up) {
                    refuse(start, state == State::Start ? "goose refuses '-- +goose Down' before '-- +goose Up'"
                                                        : "goose refuses '-- +goose Down' here (inside a block or a second Down)");
                } else if (pending) {
                    refuse(start, "goose refuses the file: the statement before '-- +goose Down' does not end with ';'");
                }
                close_region(start, false);
                up = false;
                in_block = false;
                state = State::Down;
                region_start = end;
                break;
            case Kind::StatementBegin:
                if (state != State::Up && state != State::Down) {
                    refuse(start, "goose refuses '-- +goose StatementBegin' outside an Up or Down part, or inside a block");
                }
                close_region(start, false);
                in_block = true;
                if (state == State::Up) state = State::UpBlock;
                if (state == State::Down) state = State::DownBlock;
                region_start = end;
                break;
            case Kind::StatementEnd:
                if (!in_block) {
                    refuse(start, "goose refuses '-- +goose StatementEnd' without a StatementBegin");
                    break;
                }
                close_region(start, true);
                in_block = false;
                pending = false;
                buffered = false;
                state = state == State::DownBlock ? State::Down : State::Up;
                region_start = end;
                break;
            case Kind::NoTransaction:
                // Anywhere in the file, Up or Down part: useTx = false for the whole file.
                out.wrapped_in_transaction = false;
                out.notes.push_back("goose: NO TRANSACTION, statements run in autocommit");
                break;
            case Kind::EnvsubOn:
                envsub = true;
                break;
            case Kind::EnvsubOff:
                if (k == Kind::EnvsubOff) envsub = false;
                [[fallthrough]];
            case Kind::Invalid:
            case Kind::None: {
                if (k != Kind::None) break;
                // A comment or empty line while goose's buffer is empty is dropped, never sent: it
                // is left out of the regions, for PostgreSQL would read what follows a CR in it
                // (`-- note\rDROP TABLE orders;` is not sent by goose). Any other line is SQL.
                std::string_view t = go_trim(line);
                if (!buffered && (t.starts_with("--") || line.empty())) {
                    if (state != State::Start) {
                        close_region(start, in_block);
                        region_start = end;
                    }
                    break;
                }
                if (state == State::Start) {
                    if (t.empty()) break;
                    if (!refused_text_before_up) refuse(start, "goose refuses SQL before the '-- +goose Up' annotation");
                    refused_text_before_up = true;
                    break;
                }
                buffered = true;
                if (t.empty()) break;
                if (envsub) envsub_lines.emplace_back(start, start + line.size());
                pending = (state == State::UpBlock || state == State::DownBlock) || !ends_with_semicolon(line);
                buffered = pending;
                break;
            }
        }
        return true;
    });
    if (state == State::Start && !refused_text_before_up) refuse(0, "goose refuses a file without a '-- +goose Up' annotation");
    if (in_block) refuse(text.size(), "goose refuses the file: a '-- +goose StatementBegin' has no StatementEnd");
    else if (pending) refuse(text.size(), "goose refuses the file: its last statement does not end with ';'");
    close_region(out.text.size(), in_block);
    if (!envsub_lines.empty()) apply_goose_envsub(out, envsub_lines);
}

}  // namespace pgfence::analyze
