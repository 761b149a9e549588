#pragma once
// What a rule reads from the syntax of a whole file, built once per file and thread instead of at
// each statement that asks (which would cost the square of the file's length): the index of the
// statements that create each name, say. Only for what the parse trees alone decide (not facts
// that depend on the catalog), keyed by the file's trees, which no other file shares while it is
// analysed.
#include <cstddef>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// `build(value, stmts)` fills a T from the file's trees (ctx.stmts) once; later calls for the same
// trees return it. Each call site (each T and Build) has its own cache.
template <class T, class Build>
[[nodiscard]] const T& per_file_syntax(const StatementContext& ctx, Build build) {
    struct Cache {
        const void* data = nullptr;
        std::size_t size = 0;
        const pg::Node* first = nullptr;
        const pg::Node* last = nullptr;
        T value;
    };
    thread_local Cache cache;
    static const std::vector<const pg::Node*> k_none;
    const std::vector<const pg::Node*>& stmts = ctx.stmts != nullptr ? *ctx.stmts : k_none;
    const pg::Node* first = stmts.empty() ? nullptr : stmts.front();
    const pg::Node* last = stmts.empty() ? nullptr : stmts.back();
    if (cache.data != stmts.data() || cache.size != stmts.size() || cache.first != first || cache.last != last ||
        stmts.empty()) {
        cache.data = stmts.data();
        cache.size = stmts.size();
        cache.first = first;
        cache.last = last;
        cache.value = T{};
        build(cache.value, stmts);
    }
    return cache.value;
}

}  // namespace pgfence::analyze::rules
