#include "serve/audit.hpp"

#include <chrono>
#include <ctime>
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "governance/render.hpp"
#include "serve/crypto.hpp"
#include "serve/github_app.hpp"

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

namespace {

// What the chain has granted on one pull request and taken back, in seq order: each login's
// `approval` and `approval_revoked` events (a revocation withdraws every earlier approval of that
// login, as serve/check.cpp reads it), and each exemption's grant, expiry and end (withdrawn or
// voided).
struct Granted {
    std::map<std::string, std::vector<std::pair<std::int64_t, bool>>> approvals;  // login → (seq, granted)
    struct Exemption {
        std::int64_t granted = 0;
        std::optional<std::int64_t> ended;
        std::string expires_at;
    };
    std::map<std::string, Exemption> exemptions;  // exemption_id (or the event's seq)
};

// An exemption a check counted active must not have expired before the check. The check compares
// the expiry with its own start, and its event is appended after GitHub answered: a few minutes of
// grace, so a check started before the expiry and recorded after it is not called a forgery.
constexpr std::chrono::minutes k_expiry_grace{10};

bool live_at(const std::string& expires_at, const std::string& check_at) {
    const auto expires = parse_utc(expires_at);
    const auto at = parse_utc(check_at);
    return !expires || !at || *expires + k_expiry_grace > *at;
}

// Records what `event` grants or takes back, or says why the sign-off a `check` event names is not
// in the chain. A check read the store at the chain's seq `read_at` (its data's, since this
// version; the event before it for older ones): what the chain held then is what it may name.
std::optional<std::string> signoff_problem(const nlohmann::json& event, std::int64_t seq, Granted& granted) {
    const std::string type = event.value("type", "");
    const nlohmann::json* data = event.contains("data") && event["data"].is_object() ? &event["data"] : nullptr;
    if (data == nullptr) return std::nullopt;
    const auto text = [&](const char* key) {
        return data->contains(key) && (*data)[key].is_string() ? std::optional((*data)[key].get<std::string>()) : std::nullopt;
    };
    const std::string exemption = data->contains("exemption_id") ? (*data)["exemption_id"].dump() : "seq " + std::to_string(seq);
    if (type == "approval" && text("login")) {
        granted.approvals[*text("login")].emplace_back(seq, true);
    } else if (type == "approval_revoked" && text("login")) {
        granted.approvals[*text("login")].emplace_back(seq, false);
    } else if (type == "exemption") {
        granted.exemptions[exemption] = {seq, std::nullopt, text("expires_at").value_or("")};
    } else if (type == "exemption_withdrawn" || type == "exemption_voided") {
        if (auto it = granted.exemptions.find(exemption); it != granted.exemptions.end() && !it->second.ended) it->second.ended = seq;
    } else if (type == "check") {
        std::int64_t read_at = seq - 1;
        if (data->contains("read_at_seq") && (*data)["read_at_seq"].is_number_integer()) {
            read_at = std::min(read_at, (*data)["read_at_seq"].get<std::int64_t>());
        }
        const std::string at = event.value("at", nlohmann::json()).is_string() ? event["at"].get<std::string>() : "";
        if (data->contains("signed_off_by") && (*data)["signed_off_by"].is_array()) {
            for (const auto& login : (*data)["signed_off_by"]) {
                bool live = false;
                if (auto it = login.is_string() ? granted.approvals.find(login.get<std::string>()) : granted.approvals.end();
                    it != granted.approvals.end()) {
                    for (const auto& [when, given] : it->second) {
                        if (when <= read_at) live = given;
                    }
                }
                if (!live) {
                    return "its check names " + login.dump().substr(0, 80) +
                           " as a signer, but the chain has no approval event of theirs for this pull request before it"
                           " that no approval_revoked event of theirs followed";
                }
            }
        }
        std::int64_t live = 0;
        for (const auto& [id, e] : granted.exemptions) {
            live += e.granted <= read_at && (!e.ended || *e.ended > read_at) && live_at(e.expires_at, at) ? 1 : 0;
        }
        if (data->contains("exemptions_active") && (*data)["exemptions_active"].is_number_integer() &&
            (*data)["exemptions_active"].get<std::int64_t>() > live) {
            return "its check counts " + std::to_string((*data)["exemptions_active"].get<std::int64_t>()) +
                   " active exemptions, but the chain has " + std::to_string(live) +
                   " exemption events for this pull request before it not withdrawn, voided or expired by then";
        }
    }
    return std::nullopt;
}

}  // namespace

Verification verify(const std::vector<nlohmann::json>& events) {
    Verification out;
    struct Head {
        std::int64_t seq = 0;
        std::string hash = k_genesis;
    };
    std::map<std::string, Head> heads;
    // Per repository and pull request: who gave an approval, and how many exemptions were granted,
    // as the chain recorded them so far. A check that names a signer with no `approval` event
    // before it, or more active exemptions than `exemption` events, signed off on something the
    // chain does not hold (a row written into the store by hand, red team R86 F9).
    std::map<std::pair<std::string, std::int64_t>, Granted> granted;
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
        const std::int64_t pull = event.contains("pull_request") && event["pull_request"].is_number_integer()
                                      ? event["pull_request"].get<std::int64_t>() : 0;
        if (auto problem = signoff_problem(event, seq, granted[{repository, pull}])) return fail(seq, *problem);
        head.seq = seq;
        head.hash = stored;
        ++out.events;
    }
    return out;
}

std::optional<nlohmann::json> parse_exported(const std::string& line, std::string& why) {
    using nlohmann::json;
    // Each open object's keys so far: a key given twice is refused, whichever copy a reader keeps.
    std::vector<std::set<std::string>> open;
    std::string duplicate;
    int deepest = 0;
    json::parser_callback_t note = [&](int depth, json::parse_event_t event, json& parsed) {
        deepest = std::max(deepest, depth);
        if (event == json::parse_event_t::object_start) {
            open.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
            if (!open.empty()) open.pop_back();
        } else if (event == json::parse_event_t::key && !open.empty() && parsed.is_string()) {
            if (!open.back().insert(parsed.get<std::string>()).second && duplicate.empty()) duplicate = parsed.get<std::string>();
        }
        return true;
    };
    json event = json::parse(line, note, false);
    if (event.is_discarded() || !event.is_object()) {
        why = "not a JSON object";
        return std::nullopt;
    }
    if (!duplicate.empty()) {
        why = "the key \"" + duplicate.substr(0, 64) + "\" appears twice in one object";
        return std::nullopt;
    }
    if (deepest > 64) {
        why = "nested deeper than 64 levels";
        return std::nullopt;
    }
    static const std::set<std::string> k_keys = {"seq", "repository", "type", "at", "content_hash", "pull_request",
                                                 "data", "prev", "hash"};
    for (const auto& [key, value] : event.items()) {
        if (!k_keys.contains(key)) {
            why = "unknown key \"" + key.substr(0, 64) + "\"";
            return std::nullopt;
        }
    }
    auto has = [&](const char* key, bool (json::*is)() const noexcept, bool nullable) {
        return event.contains(key) && ((event[key].*is)() || (nullable && event[key].is_null()));
    };
    if (!has("seq", &json::is_number_integer, false) || !has("repository", &json::is_string, false) ||
        !has("type", &json::is_string, false) || !has("at", &json::is_string, false) ||
        !has("content_hash", &json::is_string, true) || !has("pull_request", &json::is_number_integer, true) ||
        !has("data", &json::is_object, false) || !has("prev", &json::is_string, false) || !has("hash", &json::is_string, false)) {
        why = "not an audit event (seq, repository, type, at, content_hash, pull_request, data, prev and hash, each of its type)";
        return std::nullopt;
    }
    // What is verified must be what is read: the line byte for byte as the service writes it.
    std::string written;
    try {
        written = event.dump();
    } catch (const json::exception&) {
        written.clear();
    }
    if (written != line) {
        why = "not in the exported form (canonical JSON: keys sorted, no whitespace, numbers and strings written one way)";
        return std::nullopt;
    }
    return event;
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
