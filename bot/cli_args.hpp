#pragma once
// What every command's argument parsing shares: the usage error (exit code 2, one `error:`
// line) and number parsing with the flag named in the message.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analyze/base/safe_write.hpp"
#include "annotate/printable.hpp"

namespace pgfence::bot {

// Thrown while reading the command line; run_cli prints it as one `error:` line, exit 2.
struct UsageError {
    UsageError(std::string m, std::string unknown = {}) : message(std::move(m)), unknown_option(std::move(unknown)) {}
    std::string message;
    // An option the command does not take, as given (before any `=`): run_cli adds the nearest
    // option of that command's help ("did you mean '--format'?").
    std::string unknown_option;
};

// The candidate nearest to `word` by edit distance (a swap of two neighbours counts one), if it
// is near enough to be a typo: at most one edit for short words, a third of the length for
// longer ones; or the one candidate that `word` starts (an abbreviation such as --max-ri).
// Empty when none is, or when two candidates are equally near.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

inline int parse_int(const std::string& flag, const std::string& value, int lo, int hi) {
    char* end = nullptr;
    long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < lo || v > hi) {
        throw UsageError{flag + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", not '" + value + "'"};
    }
    return static_cast<int>(v);
}

// --max-file-size (or `flag`, --max-message-size): a whole number of MiB ("16", "16MB" or
// "16MiB"), as bytes.
inline std::uint64_t parse_max_file_size(const std::string& value, const std::string& flag = "--max-file-size") {
    std::string digits = value;
    for (const char* unit : {"MiB", "MB", "M"}) {
        std::string u(unit);
        if (digits.size() > u.size() && digits.compare(digits.size() - u.size(), u.size(), u) == 0) {
            digits.resize(digits.size() - u.size());
            break;
        }
    }
    return static_cast<std::uint64_t>(parse_int(flag, digits, 1, 4096)) << 20;
}

// Where a command writes its report: `out`, or the file of -o/--output (opened into `file`
// through analyze/safe_write.hpp: its folder as given, the file itself never a link).
// nullptr, after one error: line, when the file cannot be written.
inline std::ostream* open_output(const std::string& path, std::unique_ptr<analyze::OutputFile>& file, std::ostream& out,
                                 std::ostream& err) {
    if (path.empty()) return &out;
    auto opened = analyze::create_output_file(path);
    if (!opened) {
        err << "error: " << annotate::printable(opened.error().describe()) << "\n";
        return nullptr;
    }
    file = std::move(*opened);
    return &file->stream();
}

// Puts the -o file in place (a no-op without one); false after one error: line.
inline bool finish_output(std::unique_ptr<analyze::OutputFile>& file, std::ostream& err) {
    if (!file) return true;
    auto done = file->commit();
    file.reset();
    if (done) return true;
    err << "error: " << annotate::printable(done.error().describe()) << "\n";
    return false;
}

}  // namespace pgfence::bot
