#pragma once
// PostgreSQL's eight table-level lock modes and their conflict table
// ("Explicit Locking", table 13.2). Everything that says what a lock blocks derives from here.
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze {

enum class LockMode {
    AccessShare = 1,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
};

// Spelled as PostgreSQL's documentation does: "ACCESS EXCLUSIVE".
[[nodiscard]] std::string_view lock_mode_name(LockMode mode);
// The text with its indefinite article: "an ACCESS EXCLUSIVE ...", "a SHARE ...".
[[nodiscard]] std::string with_article(std::string_view text);
// pg_locks spelling: "AccessExclusiveLock".
[[nodiscard]] std::string_view lock_mode_pg_name(LockMode mode);
// Accepts either spelling, and LOCK TABLE's lower-case form.
[[nodiscard]] std::optional<LockMode> parse_lock_mode(std::string_view text);

[[nodiscard]] bool conflicts(LockMode a, LockMode b);

// What a lock held by a migration makes other sessions wait for.
struct Blocks {
    bool reads = false;   // plain SELECT (ACCESS SHARE)
    bool writes = false;  // INSERT/UPDATE/DELETE (ROW EXCLUSIVE)
    // VACUUM, ANALYZE, CREATE INDEX [CONCURRENTLY] and stronger DDL (SHARE UPDATE EXCLUSIVE or
    // SHARE). Every lock blocks ACCESS EXCLUSIVE DDL such as ALTER TABLE; that is not counted.
    bool ddl = false;
};
[[nodiscard]] Blocks blocks_of(LockMode mode);
// "reads, writes, DDL" / "writes, DDL" / "DDL" / "nothing".
[[nodiscard]] std::string blocks_text(Blocks blocks);

}  // namespace pgfence::analyze
