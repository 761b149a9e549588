#pragma once
// The service's counters for /metrics (serve/service.cpp writes them in Prometheus's text format).
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace pgfence::serve {

// The name of the check run the service posts (and recognises in check_run webhooks).
inline constexpr const char* k_check_name = "pgfence governance";

// Counters for /metrics, in Prometheus's text format.
struct Metrics {
    static constexpr std::array<double, 10> k_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    std::mutex mutex;
    std::map<std::pair<std::string, int>, std::int64_t> requests;  // (route, status)
    std::map<std::string, std::array<std::int64_t, k_buckets.size() + 1>> latency;  // route: buckets + count
    std::map<std::string, double> latency_sum;
    std::map<std::string, std::int64_t> uploads;    // by result
    std::map<std::string, std::int64_t> decisions;  // by conclusion
    std::map<std::string, std::int64_t> deliveries; // by result
    std::int64_t signature_failures = 0;
    std::map<std::string, std::int64_t> checks;     // by result

    void request(const std::string& route, int status) {
        std::lock_guard lock(mutex);
        ++requests[{route, status}];
    }
    void observe(const std::string& route, double seconds) {
        std::lock_guard lock(mutex);
        auto& buckets = latency[route];
        for (std::size_t i = 0; i < k_buckets.size(); ++i) {
            if (seconds <= k_buckets[i]) ++buckets[i];
        }
        ++buckets[k_buckets.size()];
        latency_sum[route] += seconds;
    }
    void count(std::map<std::string, std::int64_t>& which, const std::string& label) {
        std::lock_guard lock(mutex);
        ++which[label];
    }
};

}  // namespace pgfence::serve
