#pragma once
#include <string>
#include <string_view>

namespace pgfence::analyze {

// The note the lock model leaves on ALTER ... OWNER TO a role the migrations made the owner already (analyze/model/alter_table.cpp),
// for the revoke-privileges rule: nobody loses anything.
[[nodiscard]] inline std::string owner_unchanged_note(std::string_view relation, std::string_view role) {
    return "OWNER TO " + std::string(role) + ": " + std::string(relation) + " is owned by " + std::string(role) +
           " already, as the migrations show it: nothing changes";
}

}  // namespace pgfence::analyze
