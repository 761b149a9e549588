#include "analyze/base/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older headers lack it
#endif

namespace pgfence::analyze {
namespace {

constexpr std::size_t k_page = 4096;
constexpr std::size_t k_min_warm = std::size_t{256} << 10;
constexpr std::size_t k_max_warm = std::size_t{4} << 20;
constexpr std::size_t k_max_warm_in_all = std::size_t{16} << 20;  // over all threads of a run

}  // namespace

void warm_heap(std::size_t bytes) {
    if (bytes < k_min_warm) return;
    bytes = std::min(bytes, k_max_warm);
    static std::once_flag thresholds;
    std::call_once(thresholds, [] {
        // A block this size would otherwise be mapped on its own (and unmapped when freed),
        // and a free top chunk over 128 KB is given back: both undo the warming.
        mallopt(M_MMAP_THRESHOLD, static_cast<int>(2 * k_max_warm));
        mallopt(M_TRIM_THRESHOLD, static_cast<int>(8 * k_max_warm));
    });
    void* block = std::malloc(bytes);
    if (block == nullptr) return;
    const auto start = reinterpret_cast<std::uintptr_t>(block);
    const std::uintptr_t first = (start + k_page - 1) & ~(k_page - 1);
    const std::uintptr_t last = (start + bytes) & ~(k_page - 1);
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
    std::free(block);
}

std::size_t heap_for_files(std::size_t files, unsigned threads) {
    threads = std::max(1u, threads);
    const std::size_t per_thread = (files + threads - 1) / threads;
    return std::min({per_thread * (std::size_t{16} << 10), k_max_warm, k_max_warm_in_all / threads});
}

}  // namespace pgfence::analyze
