#pragma once
// How much of bodies not yet authenticated the service holds at once (issue #32). A webhook's
// signature covers its whole body, so the body is read before it can be checked: with 64 threads
// and GitHub's 25 MB cap, anonymous senders could make the service hold 1.6 GB. Each request may
// hold k_free_body_bytes of its own (64 x 256 KiB = 16 MiB: nearly every delivery GitHub sends);
// beyond that it draws on one budget shared by all requests (k_shared_body_bytes, room for one
// delivery at GitHub's cap), waiting its turn (first come, first served) at most a few seconds,
// else it is refused (503) unread. What a request drew goes back when its handler ends.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

namespace pgfence::serve {

inline constexpr std::uint64_t k_free_body_bytes = 256u * 1024u;
inline constexpr std::uint64_t k_shared_body_bytes = 32u * 1024u * 1024u;

// Allocations of a megabyte or more are mapped on their own and unmapped when freed (glibc's
// mallopt; nothing elsewhere). Otherwise glibc raises its mmap threshold after the first such
// free, and each of the threads' arenas keeps a body's worth of memory after its request ended:
// 17 bodies of 25 MB handled one after another held 471 MB. Called once, before serving.
void map_large_buffers();

class BodyBudget {
public:
    explicit BodyBudget(std::uint64_t total) : m_total(total) {}

    // Takes `bytes`, waiting in turn until `until` for others to give theirs back; false (nothing
    // taken) when `until` passed first or `bytes` is more than the whole budget.
    [[nodiscard]] bool take(std::uint64_t bytes, std::chrono::steady_clock::time_point until);
    void give_back(std::uint64_t bytes);
    [[nodiscard]] std::uint64_t in_use() const;

private:
    void skip_abandoned();  // with m_mutex held

    mutable std::mutex m_mutex;
    std::condition_variable m_turn;
    std::uint64_t m_total;
    std::uint64_t m_used = 0;
    std::uint64_t m_next_ticket = 0;
    std::uint64_t m_serving = 0;
    std::set<std::uint64_t> m_abandoned;  // tickets whose holders stopped waiting
};

// One request's draw on a budget: the first k_free_body_bytes are its own, the rest is taken from
// the budget as the body grows, and given back when the share ends.
class BodyShare {
public:
    BodyShare(BodyBudget& budget, std::chrono::steady_clock::duration wait) : m_budget(budget), m_wait(wait) {}
    ~BodyShare() { m_budget.give_back(m_taken); }
    BodyShare(const BodyShare&) = delete;
    BodyShare& operator=(const BodyShare&) = delete;

    // Whether the request may hold `bytes` in all (taking what it lacks, waiting at most `wait`).
    [[nodiscard]] bool cover(std::uint64_t bytes);

private:
    BodyBudget& m_budget;
    std::chrono::steady_clock::duration m_wait;
    std::uint64_t m_taken = 0;
};

}  // namespace pgfence::serve
