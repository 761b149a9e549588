#include "bot/pr_callers.hpp"

#include <algorithm>
#include <exception>
#include <set>
#include <unordered_set>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/tokens.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {
namespace {

using analyze::Token;
using analyze::TokenKind;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return out;
}

// A name token as PostgreSQL folds it: a word lower-cased, a quoted identifier as written.
std::string name_of(std::string_view text, const Token& t) {
    std::string_view s = text.substr(t.begin, t.end - t.begin);
    if (t.kind == TokenKind::QuotedIdent && s.size() >= 2) return std::string(s.substr(1, s.size() - 2));
    return lower(s);
}

}  // namespace

std::vector<std::string> defined_functions(std::string_view text) {
    std::set<std::string> names;
    analyze::Tokenizer tokens(text);
    // CREATE [OR REPLACE] FUNCTION|PROCEDURE [schema.]name: a small state machine over the words.
    int state = 0;  // 0 nothing, 1 CREATE, 2 OR, 3 REPLACE, 4 FUNCTION: the name comes
    std::string last;
    for (Token t; tokens.next(t);) {
        if (t.is_comment()) continue;
        bool word = t.kind == TokenKind::Word || t.kind == TokenKind::QuotedIdent;
        std::string w = word ? name_of(text, t) : std::string();
        if (state == 4) {
            if (word) {
                last = w;
                state = 5;
                continue;
            }
            state = 0;
        } else if (state == 5) {
            if (t.is_symbol(text, '.')) {
                state = 4;  // schema-qualified: the next word is the name
                continue;
            }
            names.insert(last);
            state = 0;
        }
        if (t.kind != TokenKind::Word) {
            state = 0;
            continue;
        }
        if (w == "create") state = 1;
        else if (state == 1 && w == "or") state = 2;
        else if (state == 2 && w == "replace") state = 3;
        else if ((state == 1 || state == 3) && (w == "function" || w == "procedure")) state = 4;
        else state = 0;
    }
    if (state == 5) names.insert(last);
    return {names.begin(), names.end()};
}

std::vector<std::string> defined_functions(const std::string& path, std::string_view text, const analyze::AnalyzeOptions& options) {
    std::set<std::string> names;
    for (auto& name : defined_functions(text)) names.insert(std::move(name));
    // What the analysis put in a catalog of its own: every CREATE FUNCTION | PROCEDURE it read, the
    // ones a script's calls send and the ones an EXECUTE it folds runs.
    analyze::AnalyzeOptions read = options;
    read.run_rules = false;
    analyze::Catalog catalog;
    try {
        (void)analyze::analyze_text(path, text, read, {}, catalog);
    } catch (const std::exception&) {
        // The file's own analysis reports it (analyze_one); the names read so far stand.
    }
    for (const auto& f : catalog.functions_added()) {
        if (f) names.insert(lower(f->name));
    }
    return {names.begin(), names.end()};
}

namespace {

bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}

// Whether `text` names one of `names` as a word followed by "(" anywhere, in an ORM script's
// strings too (`k.raw("SELECT f()")`, which SQL's tokens read as one quoted identifier; red team
// R82b B8). One pass: each word is looked up once.
bool names_call(std::string_view text, const std::unordered_set<std::string>& names) {
    for (std::size_t i = 0; i < text.size();) {
        if (!word_char(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && word_char(text[end])) ++end;
        std::size_t after = end;
        while (after < text.size() && (text[after] == ' ' || text[after] == '\t' || text[after] == '\n' || text[after] == '\r')) ++after;
        if (after < text.size() && text[after] == '(' && names.contains(lower(text.substr(i, end - i)))) return true;
        i = end;
    }
    return false;
}

// Whether `text` calls one of `names`: the name (or [schema.]name) followed by "(".
bool calls_any(std::string_view text, const std::unordered_set<std::string>& names) {
    if (names_call(text, names)) return true;
    analyze::Tokenizer tokens(text);
    bool pending = false;  // the previous token was one of the names
    for (Token t; tokens.next(t);) {
        if (t.is_comment()) continue;
        if (pending && t.is_symbol(text, '(')) return true;
        pending = (t.kind == TokenKind::Word || t.kind == TokenKind::QuotedIdent) && names.count(name_of(text, t)) > 0;
    }
    return false;
}

}  // namespace

analyze::Result<std::vector<std::string>> add_callers(const diff::Repository& repo, diff::ChangeSet& changes,
                                                     const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options) {
    const std::uint64_t max_bytes = options.max_file_bytes;
    std::unordered_set<std::string> names;
    std::unordered_set<std::string> changed;
    for (const auto& change : changes.files) {
        changed.insert(change.path);
        changed.insert(change.old_path);
        for (const auto& [commit, path] : {std::pair{changes.head_sha, change.path}, std::pair{changes.merge_base_sha, change.old_path}}) {
            if (change.kind != diff::EntryKind::file) continue;
            auto blob = repo.read_file_bounded(commit, path, max_bytes);
            if (!blob) return blob.error();
            if (*blob && (*blob)->text) {
                for (auto& name : defined_functions(path, *(*blob)->text, options)) names.insert(std::move(name));
            }
        }
    }
    std::vector<std::string> added;
    if (names.empty()) return added;
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    auto listed = repo.list_blobs(changes.merge_base_sha, [&](std::string_view path) {
        return diff::selects(patterns, path) && changed.count(std::string(path)) == 0;
    });
    if (!listed) return listed.error();
    for (const auto& file : *listed) {
        // Unchanged by the pull request (the same blob at the head), read as the head's checkout
        // writes it, as every migration of `pr` is (diff/checkout_text.hpp): git's ident and
        // line-ending conversion can make the raw blob differ from what the tool runs, and a
        // comparison of the raw blob with that form took a caller for a changed file and left it out.
        auto at_head = repo.read_file_bounded(changes.head_sha, file.path, max_bytes);
        if (!at_head) return at_head.error();
        if (!*at_head || !(*at_head)->text || !calls_any(*(*at_head)->text, names)) continue;
        diff::ChangedFile caller;
        caller.path = file.path;
        caller.old_path = file.path;
        caller.status = diff::ChangeStatus::Modified;
        changes.files.push_back(std::move(caller));
        added.push_back(file.path);
    }
    std::sort(changes.files.begin(), changes.files.end(),
              [](const diff::ChangedFile& a, const diff::ChangedFile& b) { return a.path < b.path; });
    return added;
}

}  // namespace pgfence::bot
