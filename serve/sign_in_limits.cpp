#include "serve/sign_in_limits.hpp"

namespace pgfence::serve {

void SignInLimits::prune(Clock::time_point now) {
    if (now - m_pruned < std::chrono::seconds(1)) return;
    m_pruned = now;
    for (auto it = m_used.begin(); it != m_used.end();) it = it->second <= now ? m_used.erase(it) : std::next(it);
    for (auto it = m_clients.begin(); it != m_clients.end();) {
        auto& started = it->second.started;
        while (!started.empty() && now - started.front() >= m_limits.window) started.pop_front();
        it = started.empty() && it->second.waiting == 0 ? m_clients.erase(it) : std::next(it);
    }
}

SignInLimits::Verdict SignInLimits::begin(const std::string& client, const std::string& nonce, Clock::time_point now) {
    std::lock_guard lock(m_mutex);
    prune(now);
    if (m_used.contains(nonce)) return Verdict::Replayed;
    auto found = m_clients.find(client);
    if (found == m_clients.end() && m_clients.size() >= m_limits.max_clients) return Verdict::TooMany;
    Client& c = found != m_clients.end() ? found->second : m_clients[client];
    while (!c.started.empty() && now - c.started.front() >= m_limits.window) c.started.pop_front();
    if (static_cast<int>(c.started.size()) >= m_limits.per_client_per_window) return Verdict::TooMany;
    if (c.waiting >= m_limits.per_client_at_once || m_waiting >= m_limits.at_once) {
        if (c.waiting == 0 && c.started.empty()) m_clients.erase(client);
        return Verdict::Busy;
    }
    ++c.waiting;
    ++m_waiting;
    c.started.push_back(now);
    m_used[nonce] = now + m_limits.window;
    return Verdict::Go;
}

void SignInLimits::end(const std::string& client) {
    std::lock_guard lock(m_mutex);
    --m_waiting;
    if (auto it = m_clients.find(client); it != m_clients.end()) --it->second.waiting;
}

}  // namespace pgfence::serve
