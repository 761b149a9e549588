#pragma once
// The column types some common extensions provide: DROP EXTENSION ... CASCADE drops every column
// of these types with its data (the type is a member of the extension, the column depends on it).
// Read from each extension's install script:
//   postgres/postgres contrib/citext/citext--1.4.sql, contrib/hstore/hstore--1.4.sql,
//   contrib/ltree/ltree--1.1.sql, contrib/cube/cube--1.2.sql, contrib/seg/seg--1.1.sql,
//   contrib/isn/isn--1.1.sql (CREATE TYPE ...);
//   pgvector/pgvector sql/vector.sql (CREATE TYPE vector, halfvec, sparsevec);
//   postgis/postgis postgis/postgis.sql.in and postgis/geography.sql.in (geometry, box2d,
//   box3d, geography).
#include <span>
#include <string_view>

namespace pgfence::analyze {

struct ExtensionTypes {
    std::string_view extension;
    std::span<const std::string_view> types;
};

// The types `extension` provides, or an empty span when pgfence does not know the extension.
[[nodiscard]] inline std::span<const std::string_view> extension_types(std::string_view extension) {
    static constexpr std::string_view k_citext[] = {"citext"};
    static constexpr std::string_view k_hstore[] = {"hstore"};
    static constexpr std::string_view k_ltree[] = {"ltree", "lquery", "ltxtquery"};
    static constexpr std::string_view k_cube[] = {"cube"};
    static constexpr std::string_view k_seg[] = {"seg"};
    static constexpr std::string_view k_isn[] = {"ean13", "isbn13", "ismn13", "issn13", "isbn", "ismn", "issn", "upc"};
    static constexpr std::string_view k_vector[] = {"vector", "halfvec", "sparsevec"};
    static constexpr std::string_view k_postgis[] = {"geometry", "geography", "box2d", "box3d"};
    static constexpr ExtensionTypes k_table[] = {
        {"citext", k_citext}, {"hstore", k_hstore}, {"ltree", k_ltree},   {"cube", k_cube},
        {"seg", k_seg},       {"isn", k_isn},       {"vector", k_vector}, {"postgis", k_postgis}};
    for (const ExtensionTypes& e : k_table) {
        if (e.extension == extension) return e.types;
    }
    return {};
}

}  // namespace pgfence::analyze
