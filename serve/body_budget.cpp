#include "serve/body_budget.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pgfence::serve {

void map_large_buffers() {
#if defined(__GLIBC__)
    // Setting the threshold also turns off its dynamic raising.
    (void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

bool BodyBudget::take(std::uint64_t bytes, std::chrono::steady_clock::time_point until) {
    if (bytes == 0) return true;
    std::unique_lock lock(m_mutex);
    if (bytes > m_total) return false;
    const std::uint64_t ticket = m_next_ticket++;
    const bool turn = m_turn.wait_until(lock, until, [&] { return m_serving == ticket && m_used + bytes <= m_total; });
    if (!turn) {
        m_abandoned.insert(ticket);
        skip_abandoned();
        m_turn.notify_all();
        return false;
    }
    m_used += bytes;
    ++m_serving;
    skip_abandoned();
    m_turn.notify_all();
    return true;
}

void BodyBudget::give_back(std::uint64_t bytes) {
    if (bytes == 0) return;
    {
        std::lock_guard lock(m_mutex);
        m_used -= bytes;
    }
    m_turn.notify_all();
}

std::uint64_t BodyBudget::in_use() const {
    std::lock_guard lock(m_mutex);
    return m_used;
}

void BodyBudget::skip_abandoned() {
    while (!m_abandoned.empty() && *m_abandoned.begin() <= m_serving) {
        if (*m_abandoned.begin() == m_serving) ++m_serving;
        m_abandoned.erase(m_abandoned.begin());
    }
}

bool BodyShare::cover(std::uint64_t bytes) {
    const std::uint64_t needed = bytes > k_free_body_bytes ? bytes - k_free_body_bytes : 0;
    if (needed <= m_taken) return true;
    if (!m_budget.take(needed - m_taken, std::chrono::steady_clock::now() + m_wait)) return false;
    m_taken = needed;
    return true;
}

}  // namespace pgfence::serve
