// pgfence: what each Postgres migration statement locks, blocks and rewrites.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "analyze/base/heap.hpp"
#include "annotate/runner_commands.hpp"
#include "bot/cli.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    // Thousands of file arguments are copied, expanded and sorted on this thread: its heap
    // is made resident at once (analyze/heap.hpp). A few arguments warm nothing.
    pgfence::analyze::warm_heap(static_cast<std::size_t>(argc) * 1024);
    std::vector<std::string> args(argv + 1, argv + argc);
    // A CI runner reads commands from both streams: nothing from the input may form one.
    // A report written to a pipe or file goes out in 64 KB writes, not one per file: a system
    // call is dear on a virtual machine, and a corpus's report is megabytes.
    pgfence::annotate::RunnerGuard out_guard(std::cout.rdbuf(), isatty(STDOUT_FILENO) ? 0 : 1 << 16);
    pgfence::annotate::RunnerGuard err_guard(std::cerr.rdbuf());
    std::streambuf* out_buf = std::cout.rdbuf(&out_guard);
    std::streambuf* err_buf = std::cerr.rdbuf(&err_guard);
    int status = pgfence::bot::run_cli(args, std::cout, std::cerr);
    std::cout.flush();
    std::cerr.flush();
    std::cout.rdbuf(out_buf);
    std::cerr.rdbuf(err_buf);
    return status;
}
