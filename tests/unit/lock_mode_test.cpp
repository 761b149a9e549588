#include <catch2/catch.hpp>

#include "analyze/model/lock_mode.hpp"

using namespace pgfence::analyze;

TEST_CASE("the conflict table is symmetric and matches PostgreSQL's documented rows") {
    for (int a = 1; a <= 8; ++a) {
        for (int b = 1; b <= 8; ++b) {
            CHECK(conflicts(static_cast<LockMode>(a), static_cast<LockMode>(b)) ==
                  conflicts(static_cast<LockMode>(b), static_cast<LockMode>(a)));
        }
    }
    // Explicit Locking, table 13.2: ACCESS SHARE conflicts only with ACCESS EXCLUSIVE.
    CHECK(conflicts(LockMode::AccessShare, LockMode::AccessExclusive));
    CHECK_FALSE(conflicts(LockMode::AccessShare, LockMode::Exclusive));
    // SHARE UPDATE EXCLUSIVE conflicts with itself; SHARE does not.
    CHECK(conflicts(LockMode::ShareUpdateExclusive, LockMode::ShareUpdateExclusive));
    CHECK_FALSE(conflicts(LockMode::Share, LockMode::Share));
    CHECK(conflicts(LockMode::Share, LockMode::RowExclusive));
}

TEST_CASE("what each mode blocks is derived from the conflict table") {
    CHECK(blocks_text(blocks_of(LockMode::AccessExclusive)) == "reads, writes, DDL");
    CHECK(blocks_text(blocks_of(LockMode::Exclusive)) == "writes, DDL");
    CHECK(blocks_text(blocks_of(LockMode::Share)) == "writes, DDL");
    CHECK(blocks_text(blocks_of(LockMode::ShareUpdateExclusive)) == "DDL");
    CHECK(blocks_text(blocks_of(LockMode::RowExclusive)) == "DDL");
    CHECK(blocks_text(blocks_of(LockMode::AccessShare)) == "nothing");
}

TEST_CASE("lock mode names parse in every spelling") {
    CHECK(parse_lock_mode("ACCESS EXCLUSIVE") == LockMode::AccessExclusive);
    CHECK(parse_lock_mode("AccessExclusiveLock") == LockMode::AccessExclusive);
    CHECK(parse_lock_mode("share row exclusive") == LockMode::ShareRowExclusive);
    CHECK_FALSE(parse_lock_mode("exclusive-ish").has_value());
    for (int m = 1; m <= 8; ++m) {
        auto mode = static_cast<LockMode>(m);
        CHECK(parse_lock_mode(lock_mode_name(mode)) == mode);
        CHECK(parse_lock_mode(lock_mode_pg_name(mode)) == mode);
    }
}

TEST_CASE("with_article goes by the first sound") {
    CHECK(with_article("ACCESS EXCLUSIVE lock") == "an ACCESS EXCLUSIVE lock");
    CHECK(with_article("SHARE lock") == "a SHARE lock");
    CHECK(with_article("Ecto") == "an Ecto");
    CHECK(with_article("exclusion") == "an exclusion");
    CHECK(with_article("unique") == "a unique");
    CHECK(with_article("unknown") == "an unknown");
    CHECK(with_article("") == "a ");
}
