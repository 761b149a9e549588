#include "serve/audit.hpp"

#include <chrono>
#include <ctime>
#include <map>

#include "governance/render.hpp"
#include "serve/crypto.hpp"

namespace pgfence::serve::audit {

std::string canonical(const nlohmann::json& event) {
    nlohmann::json copy = event;
    if (copy.is_object()) copy.erase("hash");
    // nlohmann::json keeps object keys sorted; dump() writes no whitespace; non-ASCII stays UTF-8.
    return copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

std::string hash_of(const nlohmann::json& event) { return sha256_hex(canonical(event)); }

nlohmann::json make_event(const std::string& repository, std::int64_t seq, const std::string& prev_hash,
                          const std::string& type, const std::string& at, const std::optional<std::string>& content_hash,
                          std::optional<std::int64_t> pull_request, nlohmann::json data) {
    if (data.is_null()) data = nlohmann::json::object();  // `{}` as an argument arrives as null
    nlohmann::json event = {{"seq", seq},   {"repository", repository}, {"type", type}, {"at", at},
                            {"data", std::move(data)}, {"prev", prev_hash}};
    event["content_hash"] = content_hash ? nlohmann::json(*content_hash) : nlohmann::json(nullptr);
    event["pull_request"] = pull_request ? nlohmann::json(*pull_request) : nlohmann::json(nullptr);
    return event;
}

Verification verify(const std::vector<nlohmann::json>& events) {
    Verification out;
    struct Head {
        std::int64_t seq = 0;
        std::string hash = k_genesis;
    };
    std::map<std::string, Head> heads;
    for (const auto& event : events) {
        const std::string repository = event.value("repository", "");
        const std::int64_t seq = event.contains("seq") && event["seq"].is_number_integer() ? event["seq"].get<std::int64_t>() : 0;
        auto [it, fresh] = heads.try_emplace(repository);
        if (fresh) ++out.chains;
        Head& head = it->second;
        auto fail = [&](std::int64_t at, std::string what) {
            out.problem = Problem{repository, at, std::move(what)};
            return out;
        };
        if (seq != head.seq + 1) {
            return seq > head.seq + 1
                       ? fail(head.seq + 1, "missing (the next event stored is seq " + std::to_string(seq) + ")")
                       : fail(seq, "out of order (after seq " + std::to_string(head.seq) + ")");
        }
        if (event.value("prev", "") != head.hash) {
            return fail(seq, "its prev is not the hash of seq " + std::to_string(head.seq) +
                                 " (an event before it was changed or removed)");
        }
        const std::string stored = event.value("hash", "");
        if (hash_of(event) != stored) return fail(seq, "its hash does not match its content (changed)");
        head.seq = seq;
        head.hash = stored;
        ++out.events;
    }
    return out;
}

std::string now_utc() { return governance::utc_text(std::chrono::system_clock::now()); }

Verification verify_to_heads(const std::vector<nlohmann::json>& events, const Heads& heads) {
    Verification out = verify(events);
    if (out.problem) return out;  // where the chain first breaks says more than a short end
    std::map<std::string, std::pair<std::int64_t, std::string>> last;
    for (const auto& e : events) {
        if (e.contains("repository") && e["repository"].is_string() && e.contains("seq") && e["seq"].is_number_integer()) {
            last[e["repository"].get<std::string>()] = {e["seq"].get<std::int64_t>(), e.value("hash", "")};
        }
    }
    for (const auto& [repository, head] : heads) {
        auto it = last.find(repository);
        if (it == last.end() || it->second != head) {
            out.problem = Problem{repository, head.first,
                                  "missing (the chain ends at seq " + std::to_string(it == last.end() ? 0 : it->second.first) +
                                      ", its head says " + std::to_string(head.first) + ")"};
            return out;
        }
    }
    return out;
}

}  // namespace pgfence::serve::audit
