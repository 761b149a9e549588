#pragma once
// The audit trail: one hash chain per repository. An event is a JSON object (seq, repository,
// type, at, content_hash, pull_request, data, prev); its hash is the SHA-256 of its canonical
// form (keys sorted, no whitespace: nlohmann::json's dump of an object), without `hash`. Each
// event names the hash of the one before it (64 zeros for the first), so changing, removing or
// reordering any event breaks the chain from there on.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgfence::serve::audit {

inline constexpr const char* k_genesis = "0000000000000000000000000000000000000000000000000000000000000000";

// The event as hashed: `hash` is never part of it.
[[nodiscard]] std::string canonical(const nlohmann::json& event);
[[nodiscard]] std::string hash_of(const nlohmann::json& event);

// The event to append after `prev_hash` (seq `seq`), with its `prev` set.
[[nodiscard]] nlohmann::json make_event(const std::string& repository, std::int64_t seq, const std::string& prev_hash,
                                        const std::string& type, const std::string& at,
                                        const std::optional<std::string>& content_hash,
                                        std::optional<std::int64_t> pull_request, nlohmann::json data);

struct Problem {
    std::string repository;
    std::int64_t seq = 0;  // the first event that does not verify (or the missing one)
    std::string what;
};

struct Verification {
    std::size_t chains = 0;
    std::size_t events = 0;
    std::optional<Problem> problem;  // the first one found; nothing after it is trusted
};

// Each event with its stored `hash`, in the order they were stored (by repository, then seq).
[[nodiscard]] Verification verify(const std::vector<nlohmann::json>& events);

// The chains' heads as the service last moved them: repository → (seq, hash).
using Heads = std::map<std::string, std::pair<std::int64_t, std::string>>;

// verify(), and each chain in `heads` must end where its head says: events cut from the end (or a
// whole chain) leave a shorter chain that is otherwise intact. `events` may hold only the chains
// of some repositories; then pass only their heads.
[[nodiscard]] Verification verify_to_heads(const std::vector<nlohmann::json>& events, const Heads& heads);

// One line of an exported file (GET /v1/audit, JSON Lines) as the event it holds, or why it is not
// one: the line must be exactly what the service writes (the canonical form with `hash`, keys
// sorted, no whitespace, each key once), with the event's keys and no other. Anything else could
// hash as the event while another reader sees different content (a key given twice, say).
[[nodiscard]] std::optional<nlohmann::json> parse_exported(const std::string& line, std::string& why);

// UTC now, RFC 3339 to the second ("2026-11-23T09:00:00Z").
[[nodiscard]] std::string now_utc();

}  // namespace pgfence::serve::audit
