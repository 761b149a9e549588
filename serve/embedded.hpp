#pragma once
// Files compiled into pgfence-serve (serve/embed.cmake).
#include <string_view>
#include <vector>

namespace pgfence::serve {

struct EmbeddedFile {
    std::string_view name;  // "001_governance.sql"
    std::string_view text;
};

// serve/migrations/*.sql, by name.
[[nodiscard]] const std::vector<EmbeddedFile>& migrations();
// docs/pgfence-report.schema.json: what an upload's report must be.
[[nodiscard]] std::string_view report_schema();

}  // namespace pgfence::serve
