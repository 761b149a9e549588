#include "analyze/parse/pg_parser.hpp"

#include <pg_query.h>

#include "analyze/parse/pg_tree.hpp"

extern "C" {
#include "pg_query_internal.h"
#include "utils/memutils.h"
// PostgreSQL's GUC (utils/guc.h, whose other declarations do not compile here), thread-local in
// libpg_query: whether plpgsql_compile_inline checks each embedded statement's syntax.
extern __thread bool check_function_bodies;
// libpg_query's writer of a node as JSON (src/pg_query_outfuncs.h), every field of every node kind.
char* pg_query_node_to_json(const void* obj);
}
#undef DEBUG

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <memory>
#include <string>
#include <vector>

#include "analyze/parse/json_access.hpp"
#include "analyze/parse/limits.hpp"
#include "analyze/base/utf8.hpp"

namespace pgfence::analyze {
namespace {

// PostgreSQL reports an error position in characters (pg_mbstrlen of the text before it);
// spans need the byte offset.
std::size_t byte_offset(std::string_view text, std::size_t characters) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (characters-- == 0) return i;
    }
    return text.size();
}

// A server whose encoding is UTF-8 (every managed PostgreSQL) refuses the statement before
// parsing it; the message is the server's.
std::optional<ParseFailure> invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        // ASCII (nearly all SQL) eight bytes at a time.
        if (i + 8 <= text.size()) {
            std::uint64_t w;
            std::memcpy(&w, text.data() + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        if (int step = utf8_step(text, i); step > 0) {
            i += static_cast<std::size_t>(step);
            continue;
        }
        std::string bytes;
        char hex[8];
        for (std::size_t k = i; k < text.size() && k < i + 2; ++k) {
            std::snprintf(hex, sizeof hex, "%s0x%02x", k == i ? "" : " ", static_cast<unsigned char>(text[k]));
            bytes += hex;
        }
        return ParseFailure{"invalid byte sequence for encoding \"UTF8\": " + bytes, i};
    }
    return std::nullopt;
}

// A tree deeper than our decoder takes (the pre-scan let through something that nests more
// per level than it counted) is refused like one the pre-scan caught.
std::optional<ParseFailure> undecodable(const ParseTree& tree) {
    if (tree.ok()) return std::nullopt;
    if (tree.error().find("too deeply") != std::string::npos) return ParseFailure{"too deeply nested: " + tree.error(), 0};
    return ParseFailure{"the parser returned no statement", 0};
}

// PostgreSQL's parser (and, for PL/pgSQL, libpg_query's output and our decoder) recurse once per
// nesting level.
template <class Fn>
ParsedStatement parsed_on_large_stack(Fn&& parse) {
    if (on_large_stack()) return parse();
    ParsedStatement out;
    run_on_large_stack([&] { out = parse(); });
    return out;
}

// How much of a file's arena may be spent before its statements stop being parsed into it
// directly (below).
constexpr Size k_direct_parse_limit = Size{4} << 20;

// PostgreSQL's raw parse tree of one statement, kept in `into` (the file's arena: every
// statement's tree lives until the file's rules have run) or, without one, in an arena of its own.
// The parser leaves its scanner's buffers beside the tree (about 1 KiB a statement). Most files
// are parsed straight into their arena and keep that waste: copying every tree out of a scratch
// arena instead costs about a tenth of a run's CPU. Once a file's arena holds 4 MiB (a file of
// thousands of statements), its further statements are parsed in this thread's scratch
// arena, reset each time, and only their trees are copied out, so the waste stays bounded.
std::optional<ParseFailure> parse_raw(const std::string& text, const std::shared_ptr<void>& into, ParsedStatement& out,
                                      PgQueryParseMode mode = PG_QUERY_PARSE_DEFAULT) {
    pg_query_init();
    out.arena = into ? into : new_parse_arena();
    MemoryContext keep_in = static_cast<MemoryContext>(out.arena.get());
    const bool direct = keep_in->mem_allocated < k_direct_parse_limit;  // its own blocks, not children
    MemoryContext arena = keep_in;
    if (!direct) {
        static thread_local std::shared_ptr<void> scratch_owner = new_parse_arena();
        arena = static_cast<MemoryContext>(scratch_owner.get());
        MemoryContextReset(arena);
    }
    MemoryContext previous = MemoryContextSwitchTo(arena);
    PgQueryInternalParsetreeAndError parsed = pg_query_raw_parse(text.c_str(), mode);
    MemoryContextSwitchTo(previous);
    std::free(parsed.stderr_buffer);
    if (parsed.error != nullptr) {
        ParseFailure failure;
        failure.message = parsed.error->message ? parsed.error->message : "parse error";
        int cursor = parsed.error->cursorpos;  // 1-based, in characters; 0 when unknown
        failure.offset = cursor > 0 ? byte_offset(text, static_cast<std::size_t>(cursor - 1)) : 0;
        if (failure.offset > text.size()) failure.offset = text.size();
        pg_query_free_error(parsed.error);
        return failure;
    }
    const RawStmt* raw = pg::as<RawStmt>(pg::nth(parsed.tree, 0));
    if (raw == nullptr || raw->stmt == nullptr) return ParseFailure{"the parser returned no statement", 0};
    if (direct) {
        out.stmt = raw->stmt;
    } else {
        MemoryContext keep = MemoryContextSwitchTo(keep_in);
        out.stmt = static_cast<const ::Node*>(copyObjectImpl(raw->stmt));
        MemoryContextSwitchTo(keep);
    }
    return std::nullopt;
}

ParsedStatement parse_statement_here(std::string_view sql, const std::shared_ptr<void>& into,
                                     PgQueryParseMode mode = PG_QUERY_PARSE_DEFAULT) {
    ParsedStatement out;
    if (auto bad = invalid_utf8(sql)) {
        out.failure = std::move(bad);
        return out;
    }
    if (auto deep = sql_too_deep(sql)) {
        out.failure = ParseFailure{deep->message, deep->offset};
        return out;
    }
    std::string text(sql);
    if (auto failure = parse_raw(text, into, out, mode)) {
        out.failure = std::move(failure);
        return out;
    }
    out.kind = std::string(pg::kind_name(out.stmt));
    return out;
}

// `check_statements`: PostgreSQL's syntax check of each embedded statement (check_function_bodies).
ParsedStatement parse_plpgsql_text(const std::string& text, bool check_statements = true);

ParsedStatement parse_plpgsql_body_here(std::string_view body) {
    if (auto deep = sql_too_deep(body)) {
        ParsedStatement out;
        out.failure = ParseFailure{deep->message, deep->offset};
        return out;
    }
    // The plpgsql parser reads DO and CREATE FUNCTION statements; wrap the body in a DO with a
    // dollar-quote tag that cannot occur inside it. A DO block is compiled as PostgreSQL's
    // plpgsql_compile_inline does, which checks each embedded statement's syntax only under
    // check_function_bodies: off here. That check parsed every statement once more and kept the
    // scanner's buffers of each until the end (about 2.5 KiB a statement: 130 bytes of memory a
    // byte of a DO block of short EXECUTEs); pgfence parses each statement itself anyway, and
    // one that does not parse is reported at its line.
    std::string tag = "$pgfence$";
    while (body.find(tag) != std::string_view::npos) tag.insert(tag.size() - 1, "_");
    std::string text = "DO " + tag + std::string(body) + tag;
    return parse_plpgsql_text(text, false);
}

ParsedStatement parse_plpgsql_text(const std::string& text, bool check_statements) {
    pg_query_init();
    // Thread-local in libpg_query, like every PostgreSQL global it keeps.
    const bool checked = check_function_bodies;
    check_function_bodies = check_statements;
    PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(text.c_str());
    check_function_bodies = checked;
    std::unique_ptr<PgQueryPlpgsqlParseResult, void (*)(PgQueryPlpgsqlParseResult*)> guard(
        &result, [](PgQueryPlpgsqlParseResult* r) { pg_query_free_plpgsql_parse_result(*r); });
    ParsedStatement out;
    if (result.error != nullptr) {
        out.failure = ParseFailure{result.error->message ? result.error->message : "PL/pgSQL parse error", 0};
        return out;
    }
    out.tree = ParseTree::decode(result.plpgsql_funcs != nullptr ? result.plpgsql_funcs : "");
    if (auto failure = undecodable(out.tree)) {
        out.failure = std::move(failure);
        return out;
    }
    const Node& root = out.tree.root();
    if (!root.is_array() || root.empty()) {
        out.failure = ParseFailure{"the PL/pgSQL parser returned no function", 0};
        return out;
    }
    out.kind = "PLpgSQL_function";
    out.node = root[0];
    return out;
}

}  // namespace

std::size_t parse_arena_bytes(const std::shared_ptr<void>& arena) {
    return arena ? static_cast<MemoryContext>(arena.get())->mem_allocated : 0;
}

std::shared_ptr<void> new_parse_arena() {
    pg_query_init();
    // No parent and no free-list slot (the sizes are not the defaults): deleting it only frees its
    // blocks, from whichever thread.
    MemoryContext arena = AllocSetContextCreate(nullptr, "pgfence parse trees", 0, 4 * 1024, 8 * 1024 * 1024);
    return std::shared_ptr<void>(arena, [](void* context) { MemoryContextDelete(static_cast<MemoryContext>(context)); });
}

ParsedStatement parse_statement(std::string_view sql, const std::shared_ptr<void>& into) {
    return parsed_on_large_stack([&] { return parse_statement_here(sql, into); });
}

ParsedStatement parse_plpgsql_assignment(std::string_view text, const std::shared_ptr<void>& into) {
    // PostgreSQL 15 parses `target[subscripts] := value` so (pl_gram.y make_plpgsql_expr with
    // RAW_PARSE_PLPGSQL_ASSIGN1): a PLAssignStmt whose indirection holds the subscripts.
    return parsed_on_large_stack([&] { return parse_statement_here(text, into, PG_QUERY_PARSE_PLPGSQL_ASSIGN1); });
}

namespace {

// names_in's reading of libpg_query's JSON text without decoding it into a tree (decoding and
// walking it was two fifths of names_in's cost). The walk below visits the members of each
// object in the text's order and takes a kind's name when it meets the kind's key: each kind's
// names come in the order its key occurs in the text. Outside a string a key is `"Kind":`; in
// a string every '"' is written `\"`, and a string is followed by ':' only as a key, so
// `"Kind":{` occurs only where the walk meets the kind with an object. Its name is its first
// member `field`; read here when the members before it are plain strings or numbers and each
// part is {"String":{"sval":"..."}} without an escape. Anything else, and a text longer than the
// decoder's nesting limit (which a shorter text cannot reach), gives false: the tree is decoded.
bool quick_names(std::string_view json, std::initializer_list<std::pair<std::string_view, std::string_view>> asked,
                 std::vector<std::vector<std::vector<std::string>>>& out) {
    if (json.size() > 20000) return false;
    for (const auto& [kind, field] : asked) {
        if (kind == "String" || kind == "sval") return false;
        for (const auto& other : asked) {
            if (kind == other.second) return false;
        }
    }
    out.assign(asked.size(), {});
    const char* end = json.data() + json.size();
    std::size_t k = 0;
    for (const auto& [kind, field] : asked) {
        std::vector<std::vector<std::string>>& names = out[k++];
        // Searched from the kind's first letter (an upper-case one: rare in the text), not its quote.
        const std::string needle = std::string(kind) + "\":{";
        for (std::size_t at = json.find(needle); at != std::string_view::npos; at = json.find(needle, at + 1)) {
            if (at == 0 || json[at - 1] != '"') continue;
            const char* p = json.data() + at + needle.size();
            auto text = [&](std::string_view& into) {  // a string without escapes, at p
                if (p == end || *p != '"') return false;
                const char* start = ++p;
                while (p != end && *p != '"' && *p != '\\') ++p;
                if (p == end || *p != '"') return false;
                into = std::string_view(start, static_cast<std::size_t>(p - start));
                ++p;
                return true;
            };
            auto literal = [&](std::string_view expected) {
                if (static_cast<std::size_t>(end - p) < expected.size() || std::string_view(p, expected.size()) != expected) return false;
                p += expected.size();
                return true;
            };
            std::vector<std::string> name;
            for (;;) {
                std::string_view key;
                if (!text(key) || !literal(":")) return false;
                if (key == field) {
                    if (!literal("[")) return false;
                    if (literal("]")) break;
                    for (;;) {
                        std::string_view part;
                        if (!literal("{\"String\":{\"sval\":") || !text(part) || !literal("}}")) return false;
                        name.emplace_back(part);
                        if (literal("]")) break;
                        if (!literal(",")) return false;
                    }
                    break;
                }
                // A member before it: a plain string or number, or this is left to the tree.
                if (p != end && *p == '"') {
                    std::string_view ignored;
                    if (!text(ignored)) return false;
                } else {
                    const char* start = p;
                    while (p != end && *p != ',' && *p != '}') {
                        if (*p == '{' || *p == '[' || *p == '"') return false;
                        ++p;
                    }
                    if (p == start) return false;
                }
                if (literal("}")) break;  // no such member: the walk finds no name
                if (!literal(",")) return false;
            }
            if (!name.empty()) names.push_back(std::move(name));
        }
    }
    return true;
}

// The names (parts as written) held in field `field` of every `kind` node of `node`'s tree, for
// each (kind, field) asked: libpg_query's writer of every node as JSON, read back once for all of
// them. Nothing when too deep to read back.
std::optional<std::vector<std::vector<std::vector<std::string>>>> names_in(
    const ::Node* node, std::initializer_list<std::pair<std::string_view, std::string_view>> asked) {
    std::optional<std::vector<std::vector<std::vector<std::string>>>> out;
    auto collect = [&] {
        pg_query_init();
        std::shared_ptr<void> scratch = new_parse_arena();
        MemoryContext previous = MemoryContextSwitchTo(static_cast<MemoryContext>(scratch.get()));
        const char* json = pg_query_node_to_json(node);
        MemoryContextSwitchTo(previous);
        if (json != nullptr) {
            std::vector<std::vector<std::vector<std::string>>> found;
            if (quick_names(json, asked, found)) {
                out = std::move(found);
                return;
            }
        }
        ParseTree tree = ParseTree::decode(json != nullptr ? json : "");
        if (!tree.ok()) return;
        out.emplace(asked.size());
        auto walk = [&](auto&& self, const Node& n) -> void {
            if (n.is_array()) {
                for (const auto& item : n) self(self, item);
                return;
            }
            if (!n.is_object()) return;
            for (const auto& [key, value] : n.items()) {
                std::size_t k = 0;
                for (const auto& [kind, field] : asked) {
                    if (key == kind && value.is_object()) {
                        std::vector<std::string> name;
                        for (const auto& part : member(value, field)) {
                            const Node& string = member(part, "String");
                            if (string.contains("sval")) name.push_back(string.value("sval", std::string()));
                        }
                        if (!name.empty()) (*out)[k].push_back(std::move(name));
                    }
                    ++k;
                }
                self(self, value);
            }
        };
        walk(walk, tree.root());
    };
    if (on_large_stack()) {
        collect();
    } else {
        run_on_large_stack(collect);
    }
    return out;
}

std::optional<std::vector<std::vector<std::string>>> names_in(const ::Node* node, std::string_view kind, std::string_view field) {
    auto found = names_in(node, {{kind, field}});
    if (!found) return std::nullopt;
    return std::move(found->front());
}

}  // namespace

std::optional<std::vector<std::vector<std::string>>> function_calls_in(const ::Node* node) { return names_in(node, "FuncCall", "funcname"); }

std::optional<std::vector<std::vector<std::string>>> operators_in(const ::Node* node) { return names_in(node, "A_Expr", "name"); }

std::optional<CallsAndOperators> calls_and_operators_in(const ::Node* node) {
    auto found = names_in(node, {{"FuncCall", "funcname"}, {"A_Expr", "name"}});
    if (!found) return std::nullopt;
    return CallsAndOperators{std::move((*found)[0]), std::move((*found)[1])};
}

ParsedStatement parse_plpgsql_body(std::string_view body) {
    return parsed_on_large_stack([&] { return parse_plpgsql_body_here(body); });
}

namespace {
// The functions parsed last on this thread, by their CREATE statement's text. A trigger
// function's body is parsed again for every statement of every later migration that writes its
// table, and a called function's for every call: the same few texts (a tenth of a corpus run's
// instructions). The parse depends on the text only, so the tree is kept and shared (a
// ParsedStatement's `arena` keeps it alive), for the last k_kept_functions texts and at most
// k_kept_function_bytes of them (a tree takes some ten times its text).
constexpr std::size_t k_kept_functions = 64;
constexpr std::size_t k_kept_function_bytes = std::size_t{256} << 10;

struct KeptFunction {
    std::string text;
    std::shared_ptr<ParsedStatement> parsed;
};

ParsedStatement shared_copy(const std::shared_ptr<ParsedStatement>& parsed) {
    ParsedStatement out;
    out.kind = parsed->kind;
    out.failure = parsed->failure;
    out.arena = parsed;  // keeps the tree `node` points into
    out.node = parsed->node;
    return out;
}
}  // namespace

ParsedStatement parse_plpgsql_function(std::string_view create_sql) {
    thread_local std::vector<KeptFunction> kept;  // oldest first
    thread_local std::size_t kept_bytes = 0;
    for (const KeptFunction& k : kept) {
        if (k.text == create_sql) return shared_copy(k.parsed);
    }
    auto parsed = std::make_shared<ParsedStatement>(parsed_on_large_stack([&] {
        if (auto deep = sql_too_deep(create_sql)) {
            ParsedStatement out;
            out.failure = ParseFailure{deep->message, deep->offset};
            return out;
        }
        return parse_plpgsql_text(std::string(create_sql), true);
    }));
    if (create_sql.size() <= k_kept_function_bytes / 4) {
        while (!kept.empty() && (kept.size() >= k_kept_functions || kept_bytes + create_sql.size() > k_kept_function_bytes)) {
            kept_bytes -= kept.front().text.size();
            kept.erase(kept.begin());
        }
        kept.push_back(KeptFunction{std::string(create_sql), parsed});
        kept_bytes += create_sql.size();
    }
    return shared_copy(parsed);
}

bool is_constant_select(const ::Node* stmt) {
    const auto* select = pg::as<SelectStmt>(stmt);
    if (select == nullptr || select->op != SETOP_NONE || pg::length(select->targetList) == 0) return false;
    if (select->distinctClause != nullptr || select->intoClause != nullptr || select->fromClause != nullptr ||
        select->whereClause != nullptr || select->groupClause != nullptr || select->havingClause != nullptr ||
        select->windowClause != nullptr || select->valuesLists != nullptr || select->sortClause != nullptr ||
        select->limitOffset != nullptr || select->limitCount != nullptr || select->lockingClause != nullptr ||
        select->withClause != nullptr || select->larg != nullptr || select->rarg != nullptr) {
        return false;
    }
    for (const pg::Node* item : pg::each(select->targetList)) {
        const auto* target = pg::as<ResTarget>(item);
        if (target == nullptr || target->indirection != nullptr || !pg::is<A_Const>(target->val)) return false;
    }
    return true;
}

const ::Node* constant_select_stand_in() {
    static const SelectStmt k_stand_in = [] {
        SelectStmt s;
        std::memset(&s, 0, sizeof s);
        s.type = T_SelectStmt;
        s.op = SETOP_NONE;
        s.limitOption = LIMIT_OPTION_DEFAULT;
        return s;
    }();
    return reinterpret_cast<const ::Node*>(&k_stand_in);
}

void release_constant_select(const ::Node* stmt) {
    auto* select = const_cast<SelectStmt*>(pg::as<SelectStmt>(stmt));
    for (const pg::Node* item : pg::each(select->targetList)) {
        auto* target = const_cast<ResTarget*>(pg::as<ResTarget>(item));
        pfree(target->val);
        pfree(target);
    }
    list_free(select->targetList);
    pfree(select);
}

int parser_version() { return PG_VERSION_NUM; }

std::string parser_description() {
    return std::string("libpg_query ") + PGFENCE_PG_QUERY_PACKAGE + " (Debian package), PostgreSQL " + PG_VERSION +
           " grammar";
}

}  // namespace pgfence::analyze
