#pragma once
// The note the lock model leaves on CREATE PUBLICATION for each table it publishes that has no
// primary key, as the migrations show it (analyze/model/publication_identity.cpp): such a table
// has no replica identity unless REPLICA IDENTITY FULL or USING INDEX gave it one, and PostgreSQL
// then refuses its UPDATEs and DELETEs while a publication publishes them (replica-identity-missing).
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_publication_note_prefix = "publishes a table without a primary key, as the migrations show it: ";

// ALTER PUBLICATION of a publication that publishes no UPDATE or DELETE (WITH (publish = ...)).
inline constexpr std::string_view k_publication_inserts_only_note = "the publication publishes no UPDATE or DELETE";
// ALTER TABLE ... REPLICA IDENTITY DEFAULT of a table without a primary key that had FULL or USING INDEX.
inline constexpr std::string_view k_identity_removed_note = "replica identity removed, no primary key as the migrations show it: ";

// "publishes a table without a primary key, as the migrations show it: <table>"
[[nodiscard]] inline std::string publication_note(std::string_view table) {
    return std::string(k_publication_note_prefix) + std::string(table);
}

// The tables the statement's notes name, in order.
[[nodiscard]] inline std::vector<std::string> published_without_key(const StatementFacts& statement) {
    std::vector<std::string> out;
    for (const auto& note : statement.notes) {
        if (note.starts_with(k_publication_note_prefix)) out.push_back(note.substr(k_publication_note_prefix.size()));
    }
    return out;
}

}  // namespace pgfence::analyze
