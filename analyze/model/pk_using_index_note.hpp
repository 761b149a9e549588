#pragma once
// The note the lock model leaves on ADD CONSTRAINT ... PRIMARY KEY USING INDEX of an existing table
// when a key column of the index is one the catalog knows nullable (analyze/model/alter_table.cpp):
// PostgreSQL sets NOT NULL on it, scanning every row under ACCESS EXCLUSIVE (index_check_primary_key
// -> ALTER TABLE SET NOT NULL; red team h1 T_PKUSINGIDX, PG15: the application's reads and writes
// wait for the scan). The add-primary-key-without-index rule reports it; the finding's message
// follows the prefix.
#include <string_view>

namespace pgfence::analyze {

inline constexpr std::string_view k_pk_using_index_scan_note = "primary key using index scans for NULLs: ";

}  // namespace pgfence::analyze
