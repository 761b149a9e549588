#pragma once
// Renders the files of a report on every core, keeping their order: the analysis is
// parallel, and a serial renderer after it would be most of a large run's time.
#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace pgfence::annotate {

template <typename Item>
std::vector<std::string> render_each(const std::vector<Item>& items, const std::function<std::string(const Item&, std::size_t)>& render) {
    std::vector<std::string> out(items.size());
    unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(items.size())));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < items.size();) out[i] = render(items[i], i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return out;
}

}  // namespace pgfence::annotate
