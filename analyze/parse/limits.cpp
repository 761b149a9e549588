#include "analyze/parse/limits.hpp"

#include <pthread.h>

#include <array>
#include <cctype>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <vector>

#include "analyze/parse/tokens.hpp"

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
    // Each level of nesting below takes at least one byte of its own (a bracket, an operator
    // character, a keyword), so a statement no longer than the limit cannot pass it.
    if (sql.size() <= static_cast<std::size_t>(k_max_sql_nesting)) return std::nullopt;
    std::vector<int> saved;  // the chain length of each enclosing level when its bracket opened
    int base = 0;            // nesting of the current level
    int chain = 0;           // operators chained at the current level
    auto too_deep = [&](std::size_t at) {
        return TooDeep{"too deeply nested: more than " + std::to_string(k_max_sql_nesting) +
                           " levels of brackets and chained operators (pgfence's limit)",
                       at};
    };
    std::size_t operator_end = std::string_view::npos;  // end of the operator being read
    std::size_t cast_colon = std::string_view::npos;    // the second ':' of a '::'
    Tokenizer tokens(sql);
    for (Token t; tokens.next(t);) {
        if (t.is_opaque()) continue;
        const char c = sql[t.begin];
        const bool in_operator = t.begin == operator_end;  // an operator is a run of operator characters
        operator_end = std::string_view::npos;
        if (t.kind == TokenKind::Word) {
            std::string_view word = sql.substr(t.begin, t.end - t.begin);
            if (flattens(word)) chain = 0;
            else if (chains(word) && base + ++chain > k_max_sql_nesting) return too_deep(t.begin);
        } else if (t.kind != TokenKind::Symbol || t.begin == cast_colon) {
            // numbers, parameters; the rest of a '::'
        } else if (c == '(' || c == '[') {
            saved.push_back(chain);
            base += chain + 1;
            chain = 0;
            if (base > k_max_sql_nesting) return too_deep(t.begin);
        } else if (c == ')' || c == ']') {
            if (!saved.empty()) {
                chain = saved.back();
                base -= chain + 1;
                saved.pop_back();
            }
        } else if (c == ',' || c == ';') {
            chain = 0;
        } else if (c == ':' && t.begin + 1 < sql.size() && sql[t.begin + 1] == ':') {
            cast_colon = t.begin + 1;
            if (base + ++chain > k_max_sql_nesting) return too_deep(t.begin);
        } else if (operator_char(c)) {
            operator_end = t.end;
            if (!in_operator && base + ++chain > k_max_sql_nesting) return too_deep(t.begin);
        }
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
