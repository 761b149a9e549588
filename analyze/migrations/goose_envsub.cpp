// goose's `-- +goose ENVSUB ON`: until ENVSUB OFF, each SQL line goose buffers goes through
// github.com/mfridman/interpolate's Interpolate with the process environment
// (pressly/goose internal/sqlparser/parser.go at 520411a, ParseSQLMigration: `if useEnvsub {
// interpolate.Interpolate(&envWrapper{}, line) }`, envWrapper.Get = os.LookupEnv; interpolate
// v0.0.2, parser.go parseExpression / parseExpansion / parseBraceExpansion). Read as it reads a
// line:
//   `\\` stays `\\`; `\$` and `$$` become `$`; `$(` stays; a `$` that is the line's last byte stays;
//   any other `$` starts an expansion: `$NAME` or `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
//   `${NAME?message}`, `${NAME:offset[:length]}` (a default is itself such text), NAME a letter
//   then letters, digits and `_`. Anything else after `$` (`$1`, `$ `) fails the migration
//   ("variable substitution failed").
// Every expansion's value is the deploy environment's (a default applies only where it leaves the
// variable unset or empty): pgfence does not know it, so the statement holding it is unknown. The
// escapes change the text goose sends (`$$` is `$`): the replaced text is what is analysed.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "analyze/migrations/tool_markers.hpp"

namespace pgfence::analyze {
namespace {

bool letter(unsigned char c) { return std::isalpha(c) != 0 || c >= 0x80; }  // unicode.IsLetter, non-ASCII approximated
bool identifier_char(unsigned char c) { return letter(c) || std::isdigit(c) != 0 || c == '_'; }

// The stand-in an unknown expansion is read as: a quoted identifier "$NAME" (as Flyway's).
std::string stand_in(std::string_view name) {
    std::string out = "\"$";
    for (char c : name.substr(0, 60)) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    return out + "\"";
}

struct Interpolation {
    std::string_view text;  // the whole file
    std::size_t at;         // where the reader is, in `text`
    std::size_t end;        // the line's end
    tools::Replaced& out;
    std::size_t copied;     // the file's bytes up to here are in out.text or replaced
    std::string error;

    void copy_to(std::size_t to) {
        if (to > copied) {
            out.pieces.push_back(tools::Piece{out.text.size(), copied, to, false});
            out.text.append(text.substr(copied, to - copied));
        }
        copied = to;
    }
    void replace(std::size_t from, std::size_t to, std::string_view with) {
        copy_to(from);
        out.pieces.push_back(tools::Piece{out.text.size(), from, to, true});
        out.text.append(with);
        copied = to;
    }
    bool starts(std::string_view s) const { return text.substr(at, end - at).starts_with(s); }

    std::string identifier() {
        if (at >= end || !letter(static_cast<unsigned char>(text[at]))) {
            error = "a '$' not followed by a variable's name (interpolate: \"Expected identifier to start with a letter\")";
            return {};
        }
        std::size_t from = at;
        while (at < end && identifier_char(static_cast<unsigned char>(text[at]))) ++at;
        return std::string(text.substr(from, at - from));
    }

    // parseExpression(stop): escapes and expansions up to `stop` (or the line's end). Inside a
    // brace's default the text is not copied: the whole expansion is unknown.
    void expression(bool in_brace, std::vector<std::string>& names) {
        while (error.empty() && at < end && !(in_brace && text[at] == '}')) {
            if (starts("\\\\") || starts("$(")) {
                at += 2;
            } else if (starts("\\$") || starts("$$")) {
                if (!in_brace) replace(at, at + 2, "$");
                at += 2;
            } else if (text[at] == '$' && at + 1 < end) {
                const std::size_t from = at;
                std::string name = expansion(names);
                if (!in_brace && error.empty()) {
                    replace(from, at, stand_in(name));
                    out.unknown.push_back({from, name, "goose ENVSUB puts in the deploy environment's value of " + name +
                                                           " (a default only where it is unset or empty)"});
                }
            } else {
                ++at;
            }
        }
    }

    std::string expansion(std::vector<std::string>& names) {
        ++at;  // '$'
        if (at >= end || text[at] != '{') return identifier();
        ++at;
        std::string name = identifier();
        if (!error.empty()) return name;
        names.push_back(name);
        if (at < end && text[at] == '}') {
            ++at;
            return name;
        }
        if (at >= end) {
            error = "an unclosed ${";
            return name;
        }
        const char op = text[at++];
        if (op == ':' && at < end && text[at] == '-') ++at;
        if (op != ':' && op != '?' && op != '-') {
            error = "an unknown operator in ${...} (interpolate: \"Expected an operator\")";
            return name;
        }
        expression(true, names);  // a default, a message or an offset: never known to run
        if (error.empty() && (at >= end || text[at] != '}')) error = "an unclosed ${ (interpolate: \"Expected brace expansion to end with }\")";
        ++at;
        return name;
    }
};

}  // namespace

void apply_goose_envsub(PreparedSource& source, const std::vector<std::pair<std::size_t, std::size_t>>& lines) {
    const std::string file = source.text;
    tools::Replaced r;
    r.text.reserve(file.size());
    std::size_t copied = 0;
    for (const auto& [begin, end] : lines) {
        Interpolation in{file, begin, end, r, copied, {}};
        std::vector<std::string> names;
        in.expression(false, names);
        copied = in.copied;
        if (!in.error.empty()) {
            source.refusals.push_back(ToolRefusal{begin, "goose refuses the file under ENVSUB ON: variable substitution fails on " + in.error});
        }
    }
    if (r.pieces.empty()) return;  // nothing goose changes
    Interpolation tail{file, file.size(), file.size(), r, copied, {}};
    tail.copy_to(file.size());
    // The regions, read in the file's offsets, are moved to the replaced text's.
    auto to_out = [&](std::size_t orig) {
        auto it = std::upper_bound(r.pieces.begin(), r.pieces.end(), orig,
                                   [](std::size_t o, const tools::Piece& p) { return o < p.orig_begin; });
        if (it == r.pieces.begin()) return std::size_t{0};
        const tools::Piece& p = *(it - 1);
        return p.replaced ? p.out_begin : p.out_begin + std::min(orig, p.orig_end) - p.orig_begin;
    };
    for (Region& region : source.regions) {
        region.begin = to_out(region.begin);
        region.end = to_out(region.end);
    }
    r.values = true;  // the text analysed is not the file's at its spans
    source.text = std::move(r.text);
    r.text.clear();
    source.replaced = std::move(r);
    source.notes.push_back("goose: ENVSUB ON, its variables are put in from the deploy environment (statements using one are "
                           "unknown) and `$$` and `\\$` are sent as `$`");
}

}  // namespace pgfence::analyze
