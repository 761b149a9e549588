#pragma once
// A sequence's data type (CREATE SEQUENCE ... AS, ALTER SEQUENCE ... AS, the type of the serial or
// identity column it was made for), which bounds how many values it can hand out: 32767, 2147483647
// or 2^63-1. The model keeps it in RelationInfo::sequence_bytes and notes it on ALTER SEQUENCE and
// on an identity column's ALTER COLUMN ... SET; sequence-limit-lowered reads the note back.
#include <cstdint>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

// 2, 4 or 8 for the canonical int2, int4, int8 (serial types fold to them); 0 for any other.
[[nodiscard]] inline std::uint8_t sequence_bytes(std::string_view canonical) {
    return canonical == "int2" ? 2 : canonical == "int4" ? 4 : canonical == "int8" ? 8 : 0;
}

// The type's SQL name: "smallint", "integer", "bigint"; "" for 0.
[[nodiscard]] inline std::string_view sequence_type_name(std::uint8_t bytes) {
    return bytes == 2 ? "smallint" : bytes == 4 ? "integer" : bytes == 8 ? "bigint" : "";
}

// The type's largest value, a sequence's default MAXVALUE (sequence.c init_params).
[[nodiscard]] inline long double sequence_type_max(std::uint8_t bytes) {
    return bytes == 2 ? 32767.0L : bytes == 4 ? 2147483647.0L : 9223372036854775807.0L;
}

// `of`: the sequence's relname, or "column c" for an identity column's.
[[nodiscard]] inline std::string sequence_type_note(std::string_view of, std::uint8_t bytes) {
    return "data type of the sequence of " + std::string(of) + " before this statement, as the migrations show it: " +
           std::string(sequence_type_name(bytes));
}

// What sequence_type_note said about `of` on this statement; 0: nothing.
[[nodiscard]] inline std::uint8_t sequence_bytes_of(const StatementFacts& statement, std::string_view of) {
    const std::string prefix = "data type of the sequence of " + std::string(of) + " before this statement, as the migrations show it: ";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(prefix)) continue;
        const std::string_view type = std::string_view(note).substr(prefix.size());
        return type == "smallint" ? 2 : type == "integer" ? 4 : type == "bigint" ? 8 : 0;
    }
    return 0;
}

}  // namespace pgfence::analyze
