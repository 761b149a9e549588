// pgfence: what each Postgres migration statement locks, blocks and rewrites.
#include <iostream>
#include <string>
#include <vector>

#include "bot/cli.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    return pgfence::bot::run_cli(args, std::cout, std::cerr);
}
