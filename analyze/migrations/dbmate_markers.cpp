// dbmate's directives, read as amacneil/dbmate reads them (pkg/dbmate/migration.go:
// upRegExp, downRegExp, parseMigrationContents, parseMigrationOptions).
#include <string>
#include <vector>

#include "analyze/parse/tool_lines.hpp"
#include "analyze/migrations/tool_markers.hpp"

namespace pgfence::analyze {
namespace {

bool want(Direction d, bool up) { return d == Direction::Both || (up ? d == Direction::Up : d == Direction::Down); }

// RE2's \s: [\t\n\f\r ] (no \v).
bool re2_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

struct Directive {
    std::size_t begin = 0;  // the "--", at a line's start
    std::size_t end = 0;    // after "up" or "down"
    bool up = true;
};

// `(?m)^--\s*migrate:up(\s*$|\s+\S+)` and its down twin: "--" at a line's first byte, white space
// (which may cross lines), "migrate:" and the direction in lower case, then the end of the text or
// a white space character: nothing else satisfies `\s*$|\s+\S+`.
std::vector<Directive> directives(std::string_view text) {
    std::vector<Directive> out;
    for (std::size_t at = text.find("migrate:"); at != std::string_view::npos; at = text.find("migrate:", at + 1)) {
        // Back over white space to "--" at a line's start.
        std::size_t k = at;
        while (k > 0 && re2_space(text[k - 1])) --k;
        if (k < 2 || text[k - 1] != '-' || text[k - 2] != '-') continue;
        std::size_t dash = k - 2;
        // RE2's `(?m)^` matches after an LF only: `SELECT 1;\r-- migrate:down` holds no directive.
        if (!line_start(text, dash, LineConvention::LineFeed)) continue;
        std::size_t rest = at + 8;
        Directive d;
        d.begin = dash;
        if (text.substr(rest).starts_with("up")) {
            d.end = rest + 2;
        } else if (text.substr(rest).starts_with("down")) {
            d.end = rest + 4;
            d.up = false;
        } else {
            continue;
        }
        if (d.end < text.size() && !re2_space(text[d.end])) continue;
        out.push_back(d);
    }
    return out;
}

// parseMigrationOptions: the block's first line, the directive removed, split on white space
// into key:value pairs (a pair of more or fewer than two parts is ignored); the block runs in a
// transaction unless `transaction` is exactly "false".
bool runs_in_transaction(std::string_view text, const Directive& d) {
    const std::size_t first_end = line_end(text, d.begin, LineConvention::LineFeed);
    std::string_view first = go_trim_space(text.substr(d.end, first_end > d.end ? first_end - d.end : 0));
    bool transaction = true;
    std::size_t i = 0;
    while (i < first.size()) {
        while (i < first.size() && re2_space(first[i])) ++i;
        std::size_t start = i;
        while (i < first.size() && !re2_space(first[i])) ++i;
        std::string_view pair = first.substr(start, i - start);
        std::size_t colon = pair.find(':');
        if (pair.empty() || colon == std::string_view::npos || pair.find(':', colon + 1) != std::string_view::npos) continue;
        if (pair.substr(0, colon) == "transaction") transaction = pair.substr(colon + 1) != "false";
    }
    return transaction;
}

// isEmptyLine / isCommentLine (`^\s*$`, `^\s*--`, RE2's \s) on each line of strings.Split(s, "\n"):
// the text before the first up directive may hold only these.
bool only_comments(std::string_view text) {
    bool only = true;
    for_each_line(text, LineConvention::LineFeed, [&](const ToolLine& line) {
        std::size_t i = 0;
        while (i < line.text.size() && re2_space(line.text[i])) ++i;
        only = i == line.text.size() || line.text.substr(i).starts_with("--");
        return only;
    });
    return only;
}

}  // namespace

bool dbmate_file(std::string_view text) {
    return text.find("migrate:") != std::string_view::npos && !directives(text).empty();
}

void prepare_dbmate(PreparedSource& out, Direction direction) {
    out.tool = MigrationTool::Dbmate;
    out.wrapped_in_transaction = true;
    std::string_view text = out.text;
    std::vector<Directive> all = directives(text);
    auto refuse = [&](std::size_t at, std::string why) { out.refusals.push_back(ToolRefusal{at, std::move(why)}); };
    std::size_t first_up = text.size();
    for (const Directive& d : all) {
        if (d.up) {
            first_up = d.begin;
            break;
        }
    }
    if (first_up == text.size()) refuse(all.empty() ? 0 : all.front().begin, "dbmate refuses a file without a '-- migrate:up' directive");
    else if (!only_comments(text.substr(0, first_up))) refuse(0, "dbmate refuses statements before the first '-- migrate:up' directive");
    // What comes before the first up directive, which dbmate never runs, is read as up all the
    // same (the file is refused when it holds a statement).
    bool up = true;
    std::size_t region_start = 0;
    bool down_seen = false;  // in the current section
    for (const Directive& d : all) {
        if (d.begin < first_up && !d.up) continue;  // a comment to dbmate
        if (want(direction, up) && d.begin > region_start) out.regions.push_back(Region{region_start, d.begin, false, !up});
        if (d.up) {
            if (d.begin > first_up && !down_seen) refuse(d.begin, "dbmate refuses a section without a '-- migrate:down' directive");
            down_seen = false;
        } else {
            if (down_seen) refuse(d.begin, "dbmate refuses a second '-- migrate:down' in one section");
            down_seen = true;
        }
        up = d.up;
        // Each section has its own options; the up sections' decide unless only the down ones
        // are read. Without its transaction dbmate still sends a section in one Exec (db.go,
        // Migrate and Rollback): one query, which PostgreSQL runs as one implicit transaction when
        // it holds several statements.
        bool deciding = direction == Direction::Down ? !up : up;
        if (deciding && !runs_in_transaction(text, d)) {
            out.one_query = true;
            out.notes.push_back("dbmate: transaction:false");
            out.notes.push_back("dbmate: the section is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        }
        // dbmate sends a block from its directive's first byte (substring(section, upDirectiveStart,
        // downDirectiveStart)): the directive is a comment to PostgreSQL up to an LF or a CR, and
        // what follows a CR on its line runs (`-- migrate:up\rDROP TABLE orders;`).
        region_start = d.begin;
    }
    if (first_up < text.size() && !down_seen) refuse(text.size(), "dbmate refuses a section without a '-- migrate:down' directive");
    if (want(direction, up)) out.regions.push_back(Region{region_start, text.size(), false, !up});
}

}  // namespace pgfence::analyze
