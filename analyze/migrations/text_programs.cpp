#include "analyze/migrations/text_programs.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/psql_commands.hpp"
#include "analyze/migrations/shell_forms.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool sed_name(std::string_view p) { return p == "sed" || p == "gsed"; }
bool awk_name(std::string_view p) { return p == "awk" || p == "gawk" || p == "mawk" || p == "nawk" || p == "busybox-awk"; }

std::string_view base_name(std::string_view w) { return w.substr(w.rfind('/') == std::string_view::npos ? 0 : w.rfind('/') + 1); }

bool blank(char c) { return c == ' ' || c == '\t'; }

// Past a delimited part of `s` or `y` (or a context address) from `i` (after its opening delimiter):
// the index after its closing one, npos when the script ends first. A backslash takes the next
// character (the delimiter included); a newline ends the part only after a backslash.
std::size_t past_part(std::string_view s, std::size_t i, char delim) {
    for (; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '\n') return std::string_view::npos;
        else if (s[i] == delim) return i + 1;
    }
    return std::string_view::npos;
}

// One address from `i`: a line number (`first~step`), `$`, `/re/` or `\cREc` with I and M flags.
// Returns the index after it; `i` unchanged when there is none; npos when malformed.
std::size_t past_address(std::string_view s, std::size_t i) {
    if (i >= s.size()) return i;
    if (std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '~')) ++i;
        return i;
    }
    if (s[i] == '$') return i + 1;
    std::size_t end = std::string_view::npos;
    if (s[i] == '/') end = past_part(s, i + 1, '/');
    else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '\n') end = past_part(s, i + 2, s[i + 1]);
    else return i;
    while (end != std::string_view::npos && end < s.size() && (s[end] == 'I' || s[end] == 'M')) ++end;
    return end;
}

}  // namespace

ProgramEffect sed_script(std::string_view s, char quote) {
    if (quote == '"') {
        for (std::size_t i = 0; i + 1 < s.size(); ++i) {
            if (s[i] == '$' && (s[i + 1] == '{' || s[i + 1] == '(' || s[i + 1] == '_' || std::isalpha(static_cast<unsigned char>(s[i + 1])) != 0)) {
                return ProgramEffect::unsure;
            }
        }
        if (s.find('`') != std::string_view::npos) return ProgramEffect::unsure;
    }
    ProgramEffect out = ProgramEffect::text;
    auto runs = [&] { out = ProgramEffect::runs; };
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && (blank(s[i]) || s[i] == ';' || s[i] == '\n' || s[i] == '\r')) ++i;
        if (i >= s.size()) return out;
        if (s[i] == '#') {  // a comment to the end of the line
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        i = past_address(s, i);
        if (i != std::string_view::npos && i < s.size() && s[i] == ',') {
            ++i;
            if (i < s.size() && (s[i] == '+' || s[i] == '~')) {
                ++i;
                while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
            } else {
                const std::size_t at = i;
                i = past_address(s, i);
                if (i == at) return ProgramEffect::unsure;
            }
        }
        if (i == std::string_view::npos) return ProgramEffect::unsure;
        while (i < s.size() && (blank(s[i]) || s[i] == '!')) ++i;
        if (i >= s.size()) return ProgramEffect::unsure;
        const char cmd = s[i++];
        switch (cmd) {
            case '{':
            case '}':
                continue;
            case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'n': case 'N':
            case 'p': case 'P': case 'x': case 'z': case 'F':
                break;
            case 'l': case 'L': case 'q': case 'Q':
                while (i < s.size() && blank(s[i])) ++i;
                while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
                break;
            case ':': case 'b': case 't': case 'T': case 'v':
                // A label (or version) to a `;` or the line's end (GNU sed manual, "Multiple commands syntax").
                while (i < s.size() && s[i] != ';' && s[i] != '\n') ++i;
                continue;
            case 'a': case 'i': case 'c':
                // Text it prints, to the line's end; a line ending in a backslash goes on to the next.
                while (i < s.size() && s[i] != '\n') {
                    if (s[i] == '\\') ++i;
                    ++i;
                }
                continue;
            case 'e':
                // `e` runs the pattern space, `e command` the command (GNU sed manual, "Extended Commands").
                runs();
                while (i < s.size() && s[i] != '\n') ++i;
                continue;
            case 'r': case 'R': case 'w': case 'W':
                // A file read or written, named to the line's end: one a later line may run.
                if (out == ProgramEffect::text) out = ProgramEffect::unsure;
                while (i < s.size() && s[i] != '\n') ++i;
                continue;
            case 's': case 'y': {
                if (i >= s.size() || s[i] == '\n' || s[i] == '\\') return ProgramEffect::unsure;
                const char delim = s[i];
                i = past_part(s, i + 1, delim);
                if (i != std::string_view::npos) i = past_part(s, i, delim);
                if (i == std::string_view::npos) return ProgramEffect::unsure;
                // The s command's flags (GNU sed manual, "The s Command"): g, p, a number, i/I, m/M,
                // e (run the pattern space as a command), w FILE (to the line's end).
                while (cmd == 's' && i < s.size()) {
                    const char f = s[i];
                    if (f == 'e') {
                        runs();
                    } else if (f == 'w') {
                        if (out == ProgramEffect::text) out = ProgramEffect::unsure;
                        while (i < s.size() && s[i] != '\n') ++i;
                        break;
                    } else if (f != 'g' && f != 'p' && f != 'i' && f != 'I' && f != 'm' && f != 'M' && std::isdigit(static_cast<unsigned char>(f)) == 0) {
                        break;
                    }
                    ++i;
                }
                break;
            }
            default:
                return ProgramEffect::unsure;
        }
        while (i < s.size() && blank(s[i])) ++i;
        if (i < s.size() && s[i] != ';' && s[i] != '\n' && s[i] != '\r' && s[i] != '}' && s[i] != '#') return ProgramEffect::unsure;
    }
}

ProgramEffect awk_program(std::string_view p) {
    auto has = [&](std::string_view w) { return p.find(w) != std::string_view::npos; };
    if (has("system") || has("getline") || has("|&")) return ProgramEffect::runs;
    for (std::size_t at = p.find('@'); at != std::string_view::npos; at = p.find('@', at + 1)) {
        if (at + 1 < p.size() && (std::isalpha(static_cast<unsigned char>(p[at + 1])) != 0 || p[at + 1] == '_')) return ProgramEffect::runs;
    }
    // A pipe to a command: after print or printf in its statement, or next to a string (`print |
    // "cmd"`, `"cmd" | ...`). One pass: the statement's start and whether print was seen move forward.
    std::size_t stmt = 0;
    bool print = false;
    for (std::size_t at = 0; at < p.size(); ++at) {
        const char c = p[at];
        if (c == ';' || c == '{' || c == '}' || c == '\n') {
            stmt = at + 1;
            print = false;
        } else if (c == 't' && at + 1 >= stmt + 5 && p.substr(at - 4, 5) == "print") {
            print = true;
        } else if (c == '|') {
            if (at + 1 < p.size() && p[at + 1] == '|') {
                ++at;
                continue;
            }
            std::size_t before = at;
            while (before > stmt && (p[before - 1] == ' ' || p[before - 1] == '\t')) --before;
            std::size_t after = at + 1;
            while (after < p.size() && (p[after] == ' ' || p[after] == '\t')) ++after;
            if (print || (before > stmt && p[before - 1] == '"') || (after < p.size() && p[after] == '"')) return ProgramEffect::runs;
        }
    }
    if (p.find_first_of("|>`") != std::string_view::npos) return ProgramEffect::unsure;
    return ProgramEffect::text;
}

std::string text_program_line_why(std::string_view program, std::string_view line, char quote) {
    const std::string_view p = base_name(program);
    if (sed_name(p) && sed_script(line, quote) == ProgramEffect::runs) {
        return "this line's sed program runs a shell command (its `e` command or the `e` flag of `s`, GNU sed): the command is not read by pgfence";
    }
    if (awk_name(p) && awk_program(line) == ProgramEffect::runs) {
        return "this line's awk program runs a shell command (system(), a pipe or getline): the command is not read by pgfence";
    }
    // A line of a python -c, perl -e, ruby -e or node -e program quoted over several lines (red team R88c F2).
    if (interpreter_name(p) && inline_text_runs(line)) {
        return "this line of an inline " + std::string(p.substr(0, 16)) + " program runs a command or a database client: what it runs is not read by pgfence";
    }
    return "";
}

std::string text_program_why(std::string_view line) {
    std::string why;
    auto check = [&](std::string_view program, std::string_view text, char quote) {
        if (why.empty()) why = text_program_line_why(program, text, quote);
    };
    // Each quoted string in a command of sed or awk: the program is the first sed or awk word since the
    // last `;`, `|`, `&` or `(` outside quotes, each byte looked at once.
    std::size_t scanned = 0;  // the command's words before here are looked at
    std::string_view program;
    for (std::size_t i = 0; i < line.size() && why.empty(); ++i) {
        if (line[i] == ';' || line[i] == '|' || line[i] == '&' || line[i] == '(') {
            scanned = i + 1;
            program = {};
            continue;
        }
        if (line[i] != '\'' && line[i] != '"') continue;
        while (program.empty() && scanned < i) {
            std::string_view head = line.substr(scanned, i - scanned);
            const std::size_t b = head.find_first_not_of(" \t");
            if (b == std::string_view::npos) break;
            const std::size_t e = std::min(head.find_first_of(" \t", b), head.size());
            const std::string_view w = base_name(head.substr(b, e - b));
            if (sed_name(w) || awk_name(w)) program = w;
            scanned += e;
        }
        std::size_t j = i + 1;
        for (; j < line.size() && line[j] != line[i]; ++j) {
            if (line[i] == '"' && line[j] == '\\') ++j;
        }
        if (!program.empty()) check(program, line.substr(i + 1, std::min(j, line.size()) - i - 1), line[i]);
        i = j;
        scanned = std::min(j + 1, line.size());
    }
    // An unquoted script (`sed s:x:y:e`): the words after sed or awk in its command.
    for (const auto& words : simple_commands(line)) {
        std::string_view program;
        for (const std::string& w : words) {
            if (!why.empty()) return why;
            if (!program.empty() && !w.starts_with("-")) check(program, w, 0);
            else if (program.empty() && (sed_name(base_name(w)) || awk_name(base_name(w)))) program = base_name(w);
        }
    }
    return why;
}

std::string computed_program_why(std::string_view line) {
    if (line.find('$') == std::string_view::npos && line.find('`') == std::string_view::npos) return "";
    for (const auto& words : simple_commands(line)) {
        bool runner = false;  // the word before ran a package (npx): this one is its program
        for (const std::string& w : words) {
            if (w == "-" || w.ends_with(":") || w == "then" || w == "do" || w == "else" || w == "!" || w == "sudo" || w == "command" ||
                w == "env" || w == "time" || w == "nohup" || w == "exec" || (runner && w.starts_with("-"))) {
                continue;
            }
            const std::size_t eq = w.find('=');
            if (!runner && eq != std::string::npos && eq > 0 && w.find('$') > eq) continue;  // NAME=value
            const std::string_view last = base_name(w);
            if (last.find('$') != std::string_view::npos || last.find('`') != std::string_view::npos) {
                // The literal part: the word without its `${...}` and `$NAME` expansions.
                std::string literal;
                for (std::size_t i = 0; i < last.size(); ++i) {
                    if (last[i] == '$' && i + 1 < last.size() && last[i + 1] == '{') {
                        const std::size_t close = last.find('}', i);
                        i = close == std::string_view::npos ? last.size() : close;
                    } else if (last[i] == '$') {
                        while (i + 1 < last.size() && (std::isalnum(static_cast<unsigned char>(last[i + 1])) != 0 || last[i + 1] == '_')) ++i;
                    } else {
                        literal += last[i];
                    }
                }
                bool tool = psql_detail::mentions_client(literal);
                for (std::string_view t : {"knex", "typeorm", "sequelize", "node-pg-migrate", "db-migrate", "drizzle-kit", "mikro-orm", "graphile-migrate", "dbmate"}) {
                    tool = tool || literal.find(t) != std::string::npos;
                }
                if (tool) {
                    return "this command's program " + printable(std::string_view(w).substr(0, 80)) +
                           " is computed (an expansion next to a database tool's name, the tool itself when it is empty): what runs is not read by pgfence";
                }
            }
            if (w == "npx" || w == "bunx" || w == "dlx" || w == "pnpx") {
                runner = true;
                continue;
            }
            if (w == "pnpm" || w == "yarn") continue;
            break;
        }
    }
    // The forms simple_commands splits (`${PGBIN:-}psql`, `"$(command -v psql)"`): read from the raw word.
    return shell_form_why(line, nullptr, false, false);
}

}  // namespace pgfence::analyze::tools::deploy_detail
