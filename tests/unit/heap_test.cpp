// warm_heap (analyze/heap.hpp): a worker thread's first megabytes of heap are made resident
// in one call, so the allocations after it do not fault page by page.
#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <cstring>
#include <thread>
#include <vector>

#include "analyze/base/heap.hpp"

using namespace pgfence::analyze;

namespace {

long minor_faults_of_this_thread() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Whether this kernel populates on request (Linux 5.14 and later).
bool kernel_populates() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    bool ok = madvise(p, 4096, 23 /* MADV_POPULATE_WRITE */) == 0;
    munmap(p, 4096);
    return ok;
}

// Minor faults taken while a fresh thread allocates and writes 2 MB in 4 KB blocks, after
// warming `warm` bytes of its arena: what the hidden test case below reports.
long faults_in_this_process(std::size_t warm) {
    long faults = -1;
    std::thread worker([&] {
        warm_heap(warm);
        long before = minor_faults_of_this_thread();
        std::vector<void*> blocks;
        for (int i = 0; i < 512; ++i) {
            void* block = std::malloc(4000);
            std::memset(block, 1, 4000);
            blocks.push_back(block);
        }
        faults = minor_faults_of_this_thread() - before;
        for (void* block : blocks) std::free(block);
    });
    worker.join();
    return faults;
}

// The same, measured in a new process (this test binary again, running only the hidden case):
// in this one, earlier tests' threads left malloc arenas that a new thread reuses, resident
// already, so its faults would say nothing.
long faults_after_warming(std::size_t warm) {
    char out_path[] = "/tmp/pgfence-heap-test-XXXXXX";
    int fd = mkstemp(out_path);
    if (fd < 0) return -1;
    close(fd);
    pid_t child = fork();
    if (child == 0) {
        setenv("PGFENCE_HEAP_TEST_WARM", std::to_string(warm).c_str(), 1);
        setenv("PGFENCE_HEAP_TEST_OUT", out_path, 1);
        char exe[] = "/proc/self/exe";
        char which[] = "warm_heap child";
        char* argv[] = {exe, which, nullptr};
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
        execv(exe, argv);
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    long faults = -1;
    std::ifstream in(out_path);
    in >> faults;
    unlink(out_path);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? faults : -1;
}

}  // namespace

TEST_CASE("warm_heap child", "[.]") {
    const char* warm = std::getenv("PGFENCE_HEAP_TEST_WARM");
    const char* out = std::getenv("PGFENCE_HEAP_TEST_OUT");
    REQUIRE(warm != nullptr);
    REQUIRE(out != nullptr);
    std::ofstream(out) << faults_in_this_process(std::stoul(warm)) << "\n";
}

TEST_CASE("warm_heap: a warmed thread's allocations do not fault page by page") {
    if (!kernel_populates()) {
        WARN("this kernel cannot populate pages on request (MADV_POPULATE_WRITE): nothing to check");
        return;
    }
    long cold = faults_after_warming(0);
    long warm = faults_after_warming(std::size_t{4} << 20);
    INFO("cold " << cold << ", warm " << warm);
    CHECK(cold >= 256);  // 2 MB written for the first time: about a fault per page
    CHECK(warm < 32);
}

TEST_CASE("heap_for_files: 16 KB a file per thread, at most 4 MB a thread and 16 MB in all") {
    CHECK(heap_for_files(1, 2) == 16 * 1024);
    CHECK(heap_for_files(32, 2) == 16 * 16 * 1024);
    CHECK(heap_for_files(33, 2) == 17 * 16 * 1024);
    CHECK(heap_for_files(1720, 2) == std::size_t{4} << 20);
    CHECK(heap_for_files(10, 0) == 10 * 16 * 1024);
    CHECK(heap_for_files(100000, 64) == std::size_t{256} << 10);  // 16 MB over all threads
}
