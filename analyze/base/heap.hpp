#pragma once
// Heap pages made resident ahead of a run over many files.
//
// A run over a repository's migrations touches a few megabytes of heap for the first time,
// page by page, and each first touch is a page fault. On the virtual machines CI runs on a
// fault is a trip through the hypervisor: 12 µs each on ours, where MADV_POPULATE_WRITE maps
// the same pages at about 1 µs a page in one call. Over the shared corpus (1,720 files) the
// faults were a seventh of pgfence's CPU time.
#include <cstddef>

namespace pgfence::analyze {

// Makes about `bytes` of the calling thread's malloc arena resident, and keeps it: the block
// is freed at once and later allocations of the thread reuse its pages. Raises malloc's trim
// and mmap thresholds (once per process) so that the block neither goes to its own mapping
// nor is given back to the system when freed. Does nothing below 256 KB, and where the kernel
// cannot populate (before Linux 5.14): the pages then fault in as they are used, as before.
void warm_heap(std::size_t bytes);

// What a worker thread warms for a run over `files` files on `threads` threads: 16 KB a
// file, at most 4 MB (about what one thread's heap holds over the shared corpus), and at most
// 16 MB over all threads (a run with 64 threads warms 256 KB each).
[[nodiscard]] std::size_t heap_for_files(std::size_t files, unsigned threads);

}  // namespace pgfence::analyze
