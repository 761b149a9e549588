#include "analyze/model/lock_mode.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace pgfence::analyze {
namespace {

constexpr std::array<std::string_view, 9> k_names = {
    "", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};

constexpr std::array<std::string_view, 9> k_pg_names = {
    "", "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
    "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"};

// k_conflicts[a] has bit b set when mode a conflicts with mode b (lock.c's LockConflicts).
constexpr int bit(LockMode m) { return 1 << static_cast<int>(m); }
constexpr std::array<int, 9> k_conflicts = {
    0,
    bit(LockMode::AccessExclusive),
    bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive),
    bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
        bit(LockMode::AccessExclusive),
    bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) |
        bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive),
    bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) |
        bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive),
    bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) |
        bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive),
    bit(LockMode::RowShare) | bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) |
        bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive) |
        bit(LockMode::AccessExclusive),
    bit(LockMode::AccessShare) | bit(LockMode::RowShare) | bit(LockMode::RowExclusive) |
        bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) |
        bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive),
};

std::string normalise(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '_') continue;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (out.size() > 4 && out.ends_with("lock")) out.resize(out.size() - 4);
    return out;
}

}  // namespace

std::string_view lock_mode_name(LockMode mode) { return k_names[static_cast<int>(mode)]; }
// By the text's first sound: "an Ecto migration", "a unique constraint".
std::string with_article(std::string_view text) {
    bool vowel = !text.empty() && std::string_view("AEIOUaeiou").find(text[0]) != std::string_view::npos;
    // A vowel letter that sounds "you" or "won": a unique, a user, a one-off.
    for (std::string_view consonant : {"uni", "use", "usu", "one"}) {
        if (text.size() >= consonant.size() && std::equal(consonant.begin(), consonant.end(), text.begin(), [](char c, char t) {
                return c == std::tolower(static_cast<unsigned char>(t));
            })) {
            vowel = false;
        }
    }
    return (vowel ? "an " : "a ") + std::string(text);
}

std::string_view lock_mode_pg_name(LockMode mode) { return k_pg_names[static_cast<int>(mode)]; }

std::optional<LockMode> parse_lock_mode(std::string_view text) {
    std::string wanted = normalise(text);
    for (int m = 1; m <= 8; ++m) {
        if (normalise(k_names[m]) == wanted) return static_cast<LockMode>(m);
    }
    return std::nullopt;
}

bool conflicts(LockMode a, LockMode b) {
    return (k_conflicts[static_cast<int>(a)] & bit(b)) != 0;
}

Blocks blocks_of(LockMode mode) {
    return Blocks{conflicts(mode, LockMode::AccessShare), conflicts(mode, LockMode::RowExclusive),
                  conflicts(mode, LockMode::ShareUpdateExclusive) || conflicts(mode, LockMode::Share)};
}

std::string blocks_text(Blocks blocks) {
    std::string out;
    auto add = [&](bool on, const char* word) {
        if (!on) return;
        if (!out.empty()) out += ", ";
        out += word;
    };
    add(blocks.reads, "reads");
    add(blocks.writes, "writes");
    add(blocks.ddl, "DDL");
    return out.empty() ? "nothing" : out;
}

}  // namespace pgfence::analyze
