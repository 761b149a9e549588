#pragma once
// How many sign-ins may wait on GitHub, and how often one client may start one: the page's OAuth
// callback asks GitHub (with the client secret) only within these bounds, so callbacks from one
// address cannot take every slot, and a state is used once per process.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace pgfence::serve {

class SignInLimits {
public:
    struct Limits {
        int at_once = 4;                          // sign-ins waiting on GitHub, in all
        int per_client_at_once = 1;               // of them from one address
        int per_client_per_window = 10;           // exchanges one address may start per window
        std::chrono::seconds window{600};         // (a state lives ten minutes too)
        std::size_t max_clients = 10000;          // addresses remembered; more are refused
    };
    enum class Verdict { Go, Replayed, Busy, TooMany };
    using Clock = std::chrono::steady_clock;

    SignInLimits() : SignInLimits(Limits{}) {}
    explicit SignInLimits(Limits limits) : m_limits(limits) {}

    // Whether the sign-in with state nonce `nonce` from `client` may call GitHub now. Go takes a
    // slot (give it back with end()) and uses the nonce up; the other verdicts take nothing.
    [[nodiscard]] Verdict begin(const std::string& client, const std::string& nonce, Clock::time_point now = Clock::now());
    void end(const std::string& client);

private:
    struct Client {
        int waiting = 0;
        std::deque<Clock::time_point> started;  // within the window
    };
    void prune(Clock::time_point now);

    Limits m_limits;
    std::mutex m_mutex;
    int m_waiting = 0;
    std::map<std::string, Client> m_clients;
    std::map<std::string, Clock::time_point> m_used;  // nonce → when it may be forgotten
    Clock::time_point m_pruned;
};

}  // namespace pgfence::serve
