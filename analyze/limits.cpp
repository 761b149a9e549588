#include "analyze/limits.hpp"

#include <pthread.h>

#include <array>
#include <cctype>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <vector>

namespace pgfence::analyze {
namespace {

thread_local bool t_large_stack = false;

struct Job {
    const std::function<void()>* fn;
    std::exception_ptr error;
};

void* run_job(void* arg) {
    auto* job = static_cast<Job*>(arg);
    t_large_stack = true;
    try {
        (*job->fn)();
    } catch (...) {
        job->error = std::current_exception();
    }
    return nullptr;
}

bool ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }
bool operator_char(char c) { return std::strchr("+-*/<>=~!@#%^&|`?", c) != nullptr; }

bool keyword_in(std::string_view word, std::initializer_list<std::string_view> set) {
    for (std::string_view k : set) {
        if (word.size() != k.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < k.size() && same; ++i) same = std::toupper(static_cast<unsigned char>(word[i])) == k[i];
        if (same) return true;
    }
    return false;
}

// Keywords that nest their left operand one level deeper when chained (a JOIN b JOIN c,
// x COLLATE c COLLATE c) or that nest by repetition (NOT NOT x, CASE ... CASE ...).
bool chains(std::string_view word) {
    return keyword_in(word, {"NOT", "IS", "ISNULL", "NOTNULL", "COLLATE", "AT", "UNION", "INTERSECT", "EXCEPT",
                             "JOIN", "BETWEEN", "LIKE", "ILIKE", "SIMILAR", "OVERLAPS", "CASE", "IN"});
}

// AND and OR lists are flattened by the parser: they end a chain like a comma.
bool flattens(std::string_view word) { return keyword_in(word, {"AND", "OR"}); }

// The end of a quoted or commented stretch starting at i, or i when none starts there.
std::size_t skip_quoted(std::string_view s, std::size_t i) {
    char c = s[i];
    auto next = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
    if (c == '-' && next(i + 1) == '-') {
        std::size_t eol = s.find('\n', i);
        return eol == std::string_view::npos ? s.size() : eol + 1;
    }
    if (c == '/' && next(i + 1) == '*') {
        int depth = 0;
        for (std::size_t k = i; k < s.size(); ++k) {
            if (s[k] == '/' && next(k + 1) == '*') ++depth, ++k;
            else if (s[k] == '*' && next(k + 1) == '/' && --depth == 0) return k + 2;
            else if (s[k] == '*' && next(k + 1) == '/') ++k;
        }
        return s.size();
    }
    if (c == '\'' || c == '"') {
        bool backslash = c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e');
        for (std::size_t k = i + 1; k < s.size(); ++k) {
            if (backslash && s[k] == '\\') ++k;
            else if (s[k] == c && next(k + 1) == c) ++k;
            else if (s[k] == c) return k + 1;
        }
        return s.size();
    }
    if (c == '$' && (next(i + 1) == '$' || ident_start(static_cast<unsigned char>(next(i + 1))))) {
        std::size_t k = i + 1;
        while (k < s.size() && s[k] != '$' && ident_char(static_cast<unsigned char>(s[k])) && s[k] != '$') ++k;
        if (k >= s.size() || s[k] != '$') return i;
        std::string_view tag = s.substr(i, k + 1 - i);
        std::size_t close = s.find(tag, k + 1);
        return close == std::string_view::npos ? s.size() : close + tag.size();
    }
    return i;
}

}  // namespace

bool on_large_stack() { return t_large_stack; }

void run_on_large_stack(const std::function<void()>& fn) {
    if (t_large_stack) {
        fn();
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, k_large_stack_bytes);
    Job job{&fn, nullptr};
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, run_job, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) throw std::runtime_error(std::string("cannot start a parser thread: ") + std::strerror(rc));
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
}

std::optional<TooDeep> sql_too_deep(std::string_view sql) {
    std::vector<int> saved;  // the chain length of each enclosing level when its bracket opened
    int base = 0;            // nesting of the current level
    int chain = 0;           // operators chained at the current level
    auto too_deep = [&](std::size_t at) {
        return TooDeep{"too deeply nested: more than " + std::to_string(k_max_sql_nesting) +
                           " levels of brackets and chained operators (pgfence's limit)",
                       at};
    };
    for (std::size_t i = 0; i < sql.size();) {
        char c = sql[i];
        if (std::size_t end = skip_quoted(sql, i); end != i) {
            i = end;
            continue;
        }
        if (c == '(' || c == '[') {
            saved.push_back(chain);
            base += chain + 1;
            chain = 0;
            if (base > k_max_sql_nesting) return too_deep(i);
            ++i;
        } else if (c == ')' || c == ']') {
            if (!saved.empty()) {
                chain = saved.back();
                base -= chain + 1;
                saved.pop_back();
            }
            ++i;
        } else if (c == ',' || c == ';') {
            chain = 0;
            ++i;
        } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            if (base + ++chain > k_max_sql_nesting) return too_deep(i);
            i += 2;
        } else if (operator_char(c)) {
            std::size_t k = i;
            while (k < sql.size() && operator_char(sql[k]) && skip_quoted(sql, k) == k) ++k;
            if (base + ++chain > k_max_sql_nesting) return too_deep(i);
            i = k;
        } else if (ident_start(static_cast<unsigned char>(c))) {
            std::size_t k = i;
            while (k < sql.size() && ident_char(static_cast<unsigned char>(sql[k]))) ++k;
            std::string_view word = sql.substr(i, k - i);
            if (flattens(word)) chain = 0;
            else if (chains(word) && base + ++chain > k_max_sql_nesting) return too_deep(i);
            i = k;
        } else {
            ++i;
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
