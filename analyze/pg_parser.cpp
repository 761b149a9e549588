#include "analyze/pg_parser.hpp"

#include <pg_query.h>

#include <memory>

namespace pgfence::analyze {
namespace {

struct ParseResultGuard {
    PgQueryParseResult result;
    ~ParseResultGuard() { pg_query_free_parse_result(result); }
};

}  // namespace

ParsedStatement parse_statement(std::string_view sql) {
    std::string text(sql);
    ParseResultGuard guard{pg_query_parse(text.c_str())};
    ParsedStatement out;
    if (guard.result.error != nullptr) {
        ParseFailure failure;
        failure.message = guard.result.error->message ? guard.result.error->message : "parse error";
        int cursor = guard.result.error->cursorpos;  // 1-based, 0 when unknown
        failure.offset = cursor > 0 ? static_cast<std::size_t>(cursor - 1) : 0;
        if (failure.offset > sql.size()) failure.offset = sql.size();
        out.failure = std::move(failure);
        return out;
    }
    auto tree = nlohmann::json::parse(guard.result.parse_tree, nullptr, false);
    if (tree.is_discarded() || !tree.contains("stmts") || tree["stmts"].empty()) {
        out.failure = ParseFailure{"the parser returned no statement", 0};
        return out;
    }
    auto& stmt = tree["stmts"][0]["stmt"];
    if (!stmt.is_object() || stmt.empty()) {
        out.failure = ParseFailure{"the parser returned an empty statement", 0};
        return out;
    }
    out.kind = stmt.begin().key();
    out.node = std::move(stmt);
    return out;
}

int parser_version() { return PG_VERSION_NUM; }

}  // namespace pgfence::analyze
