#include "analyze/migrations/workflow_env_writes.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// `raw` (one shell word, or the text echoed) as the shell gives it: one pair of quotes taken off;
// nullopt when anything else would be expanded or unquoted (`$`, backquote, backslash, a quote inside).
std::optional<std::string> literal(std::string_view raw) {
    if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front()) raw = raw.substr(1, raw.size() - 2);
    if (raw.empty() || raw.find_first_of("$`\\\"'") != std::string_view::npos) return std::nullopt;
    return std::string(raw);
}

// The end of the shell word starting at `at`: the first blank, `;`, `&`, `|`, `)` or `#` outside quotes.
std::size_t word_end(std::string_view l, std::size_t at) {
    char quote = 0;
    for (; at < l.size(); ++at) {
        const char c = l[at];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == ')' || c == '<' || c == '>') {
            break;
        }
    }
    return at;
}

// A write into $GITHUB_ENV on `l` (`>> $GITHUB_ENV`, `>> "${GITHUB_ENV}"`, `| tee -a $GITHUB_ENV`).
bool github_env_write(std::string_view l) {
    const std::size_t at = l.find("GITHUB_ENV");
    if (at == std::string_view::npos) return false;
    const std::string_view before = l.substr(0, at);
    return before.find('>') != std::string_view::npos || before.find("tee") != std::string_view::npos;
}

}  // namespace

std::vector<EnvWrite> workflow_env_writes(std::string_view text, int before, const std::function<bool(std::string_view)>& wanted) {
    std::vector<EnvWrite> out;
    each_line(text, [&](int n, std::string_view l) {
        if ((before > 0 && n >= before) || out.size() >= 64) return;
        l = trim_blanks(l);
        if (l.starts_with("#")) return;
        if (github_env_write(l)) {
            // `echo NAME=v >> $GITHUB_ENV` (or printf, with a trailing \n): the one line it writes.
            std::string_view w = l;
            for (std::string_view lead : {"- ", "run:", " "}) {
                if (w.starts_with(lead)) w = trim_blanks(w.substr(lead.size()));
            }
            std::string arg;
            bool read = false;
            for (std::string_view cmd : {"echo ", "printf "}) {
                if (!w.starts_with(cmd)) continue;
                const std::size_t gt = w.find('>');
                arg = std::string(trim_blanks(w.substr(cmd.size(), gt == std::string_view::npos ? std::string_view::npos : gt - cmd.size())));
                // printf's own newline at the end of its quoted format.
                if (cmd == "printf " && arg.size() >= 4 && (arg.ends_with("\\n\"") || arg.ends_with("\\n'"))) arg.erase(arg.size() - 3, 2);
                read = !arg.empty() && word_end(arg, 0) == arg.size();
                break;
            }
            std::string_view body = arg;
            const char quote = !body.empty() && (body.front() == '"' || body.front() == '\'') ? body.front() : 0;
            if (quote != 0) body.remove_prefix(1);
            std::size_t eq = 0;
            while (eq < body.size() && ident(body[eq])) ++eq;
            // One write of one line: `echo -e`, a `\n` inside, or two writes on the line may say more names.
            const bool one = l.find("GITHUB_ENV") == l.rfind("GITHUB_ENV") && arg.find("\\n") == std::string::npos;
            if (!one || eq == 0 || eq >= body.size() || body[eq] != '=' || std::isdigit(static_cast<unsigned char>(body.front())) != 0) {
                out.push_back(EnvWrite{n, "", std::nullopt, std::string(l)});
                return;
            }
            const std::string_view name = body.substr(0, eq);
            if (!wanted(name)) return;
            std::string_view value = body.substr(eq + 1);
            if (!read) {
                out.push_back(EnvWrite{n, std::string(name), std::nullopt, std::string(value)});
                return;
            }
            if (quote != 0) {
                if (!value.empty() && value.back() == quote) value.remove_suffix(1);
                else value = "$";  // not one quoted word: not read
            }
            out.push_back(EnvWrite{n, std::string(name), literal(value), std::string(value)});
            return;
        }
        // Shell assignments: a name at a word's start followed by `=`.
        for (std::size_t i = 0; i < l.size() && out.size() < 64; ++i) {
            if (!ident(l[i]) || (i > 0 && l[i - 1] != ' ' && l[i - 1] != '\t' && l[i - 1] != ';' && l[i - 1] != '&' && l[i - 1] != '|' && l[i - 1] != '(')) continue;
            std::size_t j = i;
            while (j < l.size() && ident(l[j])) ++j;
            if (j >= l.size() || l[j] != '=' || std::isdigit(static_cast<unsigned char>(l[i])) != 0 || !wanted(l.substr(i, j - i))) {
                i = j;
                continue;
            }
            const std::size_t end = word_end(l, j + 1);
            const std::string_view raw = l.substr(j + 1, end - j - 1);
            out.push_back(EnvWrite{n, std::string(l.substr(i, j - i)), literal(raw), std::string(raw)});
            i = end;
        }
    });
    return out;
}

std::vector<SourcedFile> sourced_files(std::string_view text, int before) {
    std::vector<SourcedFile> out;
    each_line(text, [&](int n, std::string_view l) {
        if ((before > 0 && n >= before) || out.size() >= 64) return;
        if (l.find("source") == std::string_view::npos && l.find('.') == std::string_view::npos) return;
        if (trim_blanks(l).starts_with("#")) return;
        for (const auto& words : simple_commands(l)) {
            // script_word gives the file `.` or `source` is given (deploy_scripts.hpp).
            const std::string w = script_word(words);
            if (w.empty()) continue;
            const auto at = std::find(words.begin(), words.end(), w);
            if (at == words.begin() || at == words.end() || (*(at - 1) != "source" && *(at - 1) != ".")) continue;
            if (out.size() < 64) out.push_back(SourcedFile{n, w});
        }
    });
    return out;
}

}  // namespace pgfence::analyze::tools::deploy_detail
