// The three ways pgfence could read libpg_query's parse tree, timed on the same files (issue #14):
//   json      pg_query_parse, then our decoder (analyze/parse_tree.cpp): the transition's path
//   protobuf  pg_query_parse_protobuf, then the C++ classes protoc generates from the package's
//             pg_query.proto, parsed into an arena
//   raw       pg_query_raw_parse: PostgreSQL's own tree, read in place (analyze/pg_tree.hpp)
// Each file is parsed whole, `--repeat` times; prints CPU seconds per MB of SQL for each path.
// Built by build.sh beside it (needs protobuf-compiler and libprotobuf-dev); not part of CMake.
//
//   parse_paths [--repeat N] FILE...     (or the file names NUL-separated on standard input)
// The generated classes first: PostgreSQL's headers define ERROR, which protobuf's logging
// macros paste into names.
#include <google/protobuf/arena.h>

#include "pg_query.pb.h"

#include <pg_query.h>

extern "C" {
#include "pg_query_internal.h"
#include "utils/memutils.h"
}
#undef DEBUG
#undef printf  // port.h maps it to pg_printf

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/parse/parse_tree.hpp"

namespace {

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Returns a number derived from the tree, so no path can be optimised away.
std::size_t parse_json(const std::string& text) {
    PgQueryParseResult r = pg_query_parse(text.c_str());
    std::size_t n = 0;
    if (r.error == nullptr && r.parse_tree != nullptr) {
        auto tree = pgfence::analyze::ParseTree::decode(r.parse_tree);
        n = tree.root()["stmts"].size();
    }
    pg_query_free_parse_result(r);
    return n;
}

std::size_t parse_protobuf(const std::string& text) {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
    std::size_t n = 0;
    if (r.error == nullptr) {
        google::protobuf::Arena arena;
        auto* tree = google::protobuf::Arena::CreateMessage<pg_query::ParseResult>(&arena);
        if (tree->ParseFromArray(r.parse_tree.data, static_cast<int>(r.parse_tree.len))) n = static_cast<std::size_t>(tree->stmts_size());
    }
    pg_query_free_protobuf_parse_result(r);
    return n;
}

std::size_t parse_raw(const std::string& text) {
    MemoryContext arena = AllocSetContextCreate(nullptr, "parse_paths", ALLOCSET_DEFAULT_SIZES);
    MemoryContext previous = MemoryContextSwitchTo(arena);
    PgQueryInternalParsetreeAndError r = pg_query_raw_parse(text.c_str(), PG_QUERY_PARSE_DEFAULT);
    MemoryContextSwitchTo(previous);
    std::size_t n = r.error == nullptr && r.tree != nullptr ? static_cast<std::size_t>(list_length(r.tree)) : 0;
    std::free(r.stderr_buffer);
    if (r.error != nullptr) pg_query_free_error(r.error);
    MemoryContextDelete(arena);
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 5;
    std::vector<std::string> names;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::atoi(argv[++i]);
        else names.emplace_back(argv[i]);
    }
    if (names.empty()) {
        for (std::string name; std::getline(std::cin, name, '\0');) names.push_back(name);
    }
    std::vector<std::string> texts;
    std::size_t bytes = 0;
    for (const auto& name : names) {
        std::ifstream in(name, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        texts.push_back(ss.str());
        bytes += texts.back().size();
    }
    pg_query_init();
    struct Path {
        const char* name;
        std::size_t (*parse)(const std::string&);
    };
    const Path paths[] = {{"json", parse_json}, {"protobuf", parse_protobuf}, {"raw", parse_raw}};
    double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
    std::printf("%zu files, %.2f MB, each parsed %d times per path\n", texts.size(), mb, repeat);
    for (const Path& p : paths) {
        for (const auto& t : texts) p.parse(t);  // warm-up
        std::size_t statements = 0;
        double start = cpu_seconds();
        for (int r = 0; r < repeat; ++r) {
            for (const auto& t : texts) statements += p.parse(t);
        }
        double spent = (cpu_seconds() - start) / repeat;
        std::printf("%-9s %8.1f ms CPU per pass, %6.1f ms per MB, %zu statements per pass\n", p.name, spent * 1e3,
                    spent * 1e3 / mb, statements / static_cast<std::size_t>(repeat));
    }
    return 0;
}
