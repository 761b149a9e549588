/* The floor of bench/run.sh: libpg_query alone over the same files, one parse per file, as a
 * linter that hands each file to the parser pays. Nothing is analysed or printed.
 *
 *   rawparse json FILE...      pg_query_parse: PostgreSQL's parser and libpg_query's JSON output
 *   rawparse protobuf FILE...  pg_query_parse_protobuf: the parser and the protobuf output
 *   rawparse raw FILE...       pg_query_raw_parse: the parser's own tree only (pgfence's typed tree)
 *
 * Prints one line to stderr: files, bytes, files the parser rejected. Exit 0; 2 on bad usage or
 * an unreadable file. */
#include <pg_query.h>

#include "pg_query_internal.h"
#include "utils/memutils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file as one NUL-terminated string, or NULL. */
static char* read_file(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 1 << 16, len = 0;
    char* text = malloc(cap);
    for (size_t got; (got = fread(text + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (cap - len - 1 == 0) text = realloc(text, cap *= 2);
    }
    fclose(f);
    text[len] = '\0';
    *size = len;
    return text;
}

/* 1 when the parser rejected the text. */
static int parse_json(const char* text) {
    PgQueryParseResult r = pg_query_parse(text);
    int bad = r.error != NULL;
    pg_query_free_parse_result(r);
    return bad;
}

static int parse_protobuf(const char* text) {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text);
    int bad = r.error != NULL;
    pg_query_free_protobuf_parse_result(r);
    return bad;
}

/* The tree in a memory context of its own, freed whole, as analyze/pg_parser.cpp does. */
static int parse_raw(const char* text) {
    MemoryContext arena = AllocSetContextCreate(NULL, "rawparse", ALLOCSET_DEFAULT_SIZES);
    MemoryContext previous = MemoryContextSwitchTo(arena);
    PgQueryInternalParsetreeAndError r = pg_query_raw_parse(text, PG_QUERY_PARSE_DEFAULT);
    MemoryContextSwitchTo(previous);
    int bad = r.error != NULL;
    free(r.stderr_buffer);
    if (r.error != NULL) pg_query_free_error(r.error);
    MemoryContextDelete(arena);
    return bad;
}

int main(int argc, char** argv) {
    int (*parse)(const char*) = NULL;
    if (argc >= 2 && strcmp(argv[1], "json") == 0) parse = parse_json;
    if (argc >= 2 && strcmp(argv[1], "protobuf") == 0) parse = parse_protobuf;
    if (argc >= 2 && strcmp(argv[1], "raw") == 0) parse = parse_raw;
    if (parse == NULL) {
        fprintf(stderr, "usage: rawparse json|protobuf|raw FILE...\n");
        return 2;
    }
    pg_query_init();
    size_t bytes = 0;
    int rejected = 0;
    for (int i = 2; i < argc; ++i) {
        size_t size = 0;
        char* text = read_file(argv[i], &size);
        if (text == NULL) {
            fprintf(stderr, "rawparse: cannot read %s\n", argv[i]);
            return 2;
        }
        bytes += size;
        rejected += parse(text);
        free(text);
    }
    fprintf(stderr, "rawparse %s: %d files, %zu bytes, %d rejected by the parser\n", argv[1], argc - 2, bytes, rejected);
    return 0;
}
