#pragma once
// The note on ALTER DOMAIN ... DROP NOT NULL naming the columns of the domain the migrations show
// (analyze/model/misc.cpp model_alter_domain); domain_columns_of reads them back (drop-not-null).
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

[[nodiscard]] inline std::string domain_columns_note(std::string_view domain, std::string_view columns) {
    return "columns of domain " + std::string(domain) + ", as the migrations show them: " + std::string(columns);
}

[[nodiscard]] inline std::optional<std::string> domain_columns_of(const StatementFacts& statement, std::string_view domain) {
    const std::string prefix = domain_columns_note(domain, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return note.substr(prefix.size());
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze
