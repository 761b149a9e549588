// A command line's words as the shell hands them over, and the tool a word starts (split from
// deploy_commands.cpp, moves only; deploy_scripts.hpp declares them).
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "analyze/migrations/command_data_lines.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return s.size() > 80 ? out + "..." : out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

namespace {

// Whether a simple command (its words) is echo or printf, whose arguments are text it prints, not
// commands: a Makefile's `echo \` whose continuation line reads `npm run reset` prints it (the shell
// joins the lines into echo's arguments). The leading words of a YAML step, a list, a Dockerfile's
// RUN or a compound command are passed over.
bool prints_only(const std::vector<std::string>& words, std::size_t* at) {
    std::size_t c = 0;
    while (c < words.size() && (words[c] == "-" || words[c].ends_with(":") || words[c] == "RUN" || words[c] == "then" || words[c] == "do" ||
                                words[c] == "else" || words[c] == "!")) {
        ++c;
    }
    if (c >= words.size() || (words[c] != "echo" && words[c] != "printf")) return false;
    *at = c + 1;
    return true;
}

// The program of a simple command read so far (its words): the first word that is not a YAML key
// or list dash, an assignment, a compound command's keyword or a wrapper's name; "" when none yet.
std::string_view command_program(const std::vector<std::string>& words) {
    for (const std::string& w : words) {
        if (w == "-" || w.ends_with(":") || w == "then" || w == "do" || w == "else" || w == "!" || w == "RUN" || w == "sudo" || w == "command" ||
            w == "env" || w == "time" || w == "nohup") {
            continue;
        }
        const std::size_t eq = w.find('=');
        if (eq != std::string::npos && eq > 0 &&
            std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_'; })) {
            continue;
        }
        const std::string_view v = w;
        return v.substr(v.rfind('/') == std::string_view::npos ? 0 : v.rfind('/') + 1);
    }
    return "";
}

// Where the quote opened at `open` closes on the line (its index), npos when it does not: a double
// quote's backslash escapes the next character, a single quote's does not (bash manual, "Quoting").
std::size_t closing_quote(std::string_view line, std::size_t open) {
    const char q = line[open];
    for (std::size_t j = open + 1; j < line.size(); ++j) {
        if (q == '"' && line[j] == '\\') ++j;
        else if (line[j] == q) return j;
    }
    return std::string_view::npos;
}

// Whether a quoted argument is a text program's text, kept whole as the shell keeps a quoted word
// (review87 B: `sed 's/^-\|-$//g'`, `awk '!/^  hub:/ {x=0}'`): the argument of sed, grep, jq or awk
// that quoted_text_line takes for text, with no command substitution in a double-quoted one. echo's
// and printf's are left to prints_only (their text piped to a shell is a command).
bool text_argument(std::string_view program, std::string_view quoted, char quote) {
    if (program.empty() || program == "echo" || program == "printf") return false;
    if (quote == '"' && (quoted.find("$(") != std::string_view::npos || quoted.find('`') != std::string_view::npos)) return false;
    return quoted_text_line(program, quoted, quote);
}

}  // namespace

std::vector<std::vector<std::string>> simple_commands(std::string_view line, std::vector<std::vector<std::string>>* patterns) {
    std::vector<std::vector<std::string>> out(1);
    std::vector<std::vector<std::string>> globs(1);
    std::string word;
    // The word as a glob pattern (`patterns`): braces, brackets, commas and parentheses kept where a
    // pattern has them (`'db:{reset,seed}'`, `db:[r]eset`, `'db:+(a)'`), inside quotes or touching the word.
    std::string glob;
    int brace = 0, bracket = 0, paren = 0;
    auto end_word = [&] {
        if (!word.empty()) out.back().push_back(std::move(word));
        word.clear();
        if (!glob.empty()) globs.back().push_back(std::move(glob));
        glob.clear();
        brace = bracket = paren = 0;
    };
    auto add = [&](char c) {
        word += c;
        glob += c;
    };
    char quote = 0;
    bool in_backquote = false;
    bool no_close[2] = {false, false};  // no closing `"` / `'` further on the line
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if ((c == '"' || c == '\'') && quote == 0 && !no_close[c == '"' ? 0 : 1]) {
            // A text program's quoted argument: one word, its separators and blanks its own.
            const std::size_t close = closing_quote(line, i);
            if (close == std::string_view::npos) {
                no_close[c == '"' ? 0 : 1] = true;  // none further on: scanned once (linear)
            } else if (text_argument(command_program(out.back()), line.substr(i + 1, close - i - 1), c)) {
                for (std::size_t j = i + 1; j < close; ++j) add(line[j]);
                i = close;
                continue;
            }
        }
        if (c == '$' && quote == 0 && (line.substr(i).starts_with("${IFS}") || (line.substr(i).starts_with("$IFS") &&
                                                                                  (i + 4 >= line.size() || (std::isalnum(static_cast<unsigned char>(line[i + 4])) == 0 && line[i + 4] != '_'))))) {
            // An unquoted `${IFS}` or `$IFS`: bash splits the results of unquoted expansions into
            // words at IFS's characters (bash manual, "Word Splitting"), so `psql${IFS}"$URL"` is psql
            // and its argument (red team R88b F5). IFS's own value splits whatever it holds.
            end_word();
            i += line[i + 1] == '{' ? 5 : 3;
            continue;
        }
        if (c == '$' && quote != '\'' && i + 1 < line.size() && line[i + 1] == '{') {
            // `${NAME}`: a parameter expansion inside the word, as `$NAME` is (bash manual, "Shell
            // Parameter Expansion"); `"${TAGS}\nghcr.io/${IMAGE}"` is one word (review87 B). Only a
            // plain name: `${X:-npx knex}` unquoted is split into words by the shell.
            std::size_t j = i + 2;
            while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) != 0 || line[j] == '_')) ++j;
            if (j < line.size() && line[j] == '}' && j > i + 2) {
                for (std::size_t k = i; k <= j; ++k) add(line[k]);
                i = j;
                continue;
            }
        }
        if (c == '"' || c == '\'') {
            if (quote == 0) {
                quote = c;
            } else if (quote == c) {
                quote = 0;
                std::size_t j = i + 1;
                while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
                if (j < line.size() && line[j] == ':') {
                    end_word();
                    i = j;
                }
            } else {
                add(c);
            }
        } else if (c == ';' || c == '|' || c == '&' || c == '`' || c == '\n') {
            end_word();
            // An opening backquote leaves `$`` in the command it cuts: a command substitution.
            if (c == '`') {
                in_backquote = !in_backquote;
                if (in_backquote && !out.back().empty()) {
                    out.back().emplace_back("$`");
                    globs.back().emplace_back("$`");
                }
            }
            if (!out.back().empty() && out.size() < 1024) {
                out.emplace_back();
                globs.emplace_back();
            }
        } else if (c == '\\' && quote != '\'' && i + 1 < line.size() && line[i + 1] != ' ' && line[i + 1] != '\t' && line[i + 1] != '\n') {
            // The shell takes a backslashed character as itself (bash manual, "Escape Character"):
            // `migrate\:rollback` and `kn\ex` are the words migrate:rollback and knex (red team R82a).
            add(line[++i]);
        } else if (c == '#' && quote == 0 && word.empty() && glob.empty() && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            // A word that begins with `#` and all after it on the line are a comment (bash manual,
            // "Comments"; YAML's too): `# pnpm does not forward args` names no command (review84 FU-7).
            break;
        } else if (c == '$' && quote == 0 && i + 1 < line.size() && line[i + 1] == '\'') {
            // `$'migrate:rollback'`: ANSI-C quoting, the quoted characters (bash manual, "ANSI-C Quoting").
        } else if (c == ' ' || c == '\t' || c == '[' || c == ']' || c == ',' || c == '{' || c == '}' || c == '\\' || c == '(' || c == ')') {
            const bool opens = quote != 0 || !glob.empty();
            const bool keep = (c == '{' && opens) || (c == '[' && opens) || (c == '(' && opens) || (c == '}' && brace > 0) ||
                              (c == ']' && bracket > 0) || (c == ')' && paren > 0) || (c == ',' && brace > 0);
            if (keep) {
                if (!word.empty()) out.back().push_back(std::move(word));
                word.clear();
                glob += c;
                brace += c == '{' ? 1 : c == '}' ? -1 : 0;
                bracket += c == '[' ? 1 : c == ']' ? -1 : 0;
                paren += c == '(' ? 1 : c == ')' ? -1 : 0;
            } else {
                end_word();
            }
        } else {
            add(c);
        }
    }
    end_word();
    if (out.back().empty()) {
        out.pop_back();
        globs.pop_back();
    }
    // echo's and printf's arguments are printed, not run; not where the line pipes or redirects what
    // they print (`echo "npm run x" | sh`, `>> "$GITHUB_ENV"`) or substitutes a command into them.
    if (line.find_first_of("|<>`") == std::string_view::npos && line.find("$(") == std::string_view::npos) {
        for (std::size_t k = 0; k < out.size(); ++k) {
            std::size_t at = 0;
            if (prints_only(out[k], &at)) out[k].resize(at);
            if (prints_only(globs[k], &at)) globs[k].resize(at);
        }
    }
    if (patterns) *patterns = std::move(globs);
    return out;
}

std::string tool_word(std::string_view word) {
    for (std::string_view pkg : {"knex", "sequelize-cli", "node-pg-migrate", "typeorm", "db-migrate", "graphile-migrate", "prisma"}) {
        const std::string mark = "node_modules/" + std::string(pkg) + "/";
        if (word.find(mark) != std::string_view::npos) return pkg == "sequelize-cli" ? "sequelize" : std::string(pkg);
    }
    std::string_view base = word.substr(word.rfind('/') == std::string_view::npos ? 0 : word.rfind('/') + 1);
    if (const std::size_t at = base.find('@'); at != std::string_view::npos && at > 0) base = base.substr(0, at);
    if (base == "sequelize-cli") return "sequelize";
    // The other programs of a package's `bin`: node-pg-migrate 7's node-pg-migrate-cjs and
    // node-pg-migrate-esm (its package.json), mikro-orm's mikro-orm-esm (@mikro-orm/cli package.json).
    if (base == "node-pg-migrate-cjs" || base == "node-pg-migrate-esm") return "node-pg-migrate";
    if (base == "mikro-orm-esm") return "mikro-orm";
    if (base == "django-admin" || base == "manage.py") return "django";
    if (base.starts_with("typeorm-ts-node-")) return "typeorm";
    if (base == "rake") return "rails";
    return std::string(base);
}

bool flag_word(std::string_view w) { return w.starts_with("-"); }

}  // namespace pgfence::analyze::tools::deploy_detail
