#pragma once
// What every command's argument parsing shares: the usage error (exit code 2, one `error:`
// line) and number parsing with the flag named in the message.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <string>

namespace pgfence::bot {

// Thrown while reading the command line; run_cli prints it as one `error:` line, exit 2.
struct UsageError {
    std::string message;
};

inline int parse_int(const std::string& flag, const std::string& value, int lo, int hi) {
    char* end = nullptr;
    long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < lo || v > hi) {
        throw UsageError{flag + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", not '" + value + "'"};
    }
    return static_cast<int>(v);
}

// --max-file-size: a whole number of MiB ("16", "16MB" or "16MiB"), as bytes.
inline std::uint64_t parse_max_file_size(const std::string& value) {
    std::string digits = value;
    for (const char* unit : {"MiB", "MB", "M"}) {
        std::string u(unit);
        if (digits.size() > u.size() && digits.compare(digits.size() - u.size(), u.size(), u) == 0) {
            digits.resize(digits.size() - u.size());
            break;
        }
    }
    return static_cast<std::uint64_t>(parse_int("--max-file-size", digits, 1, 4096)) << 20;
}

// Where a command writes its report: `out`, or the file of -o/--output (opened into `file`).
// nullptr, after one error: line, when the file cannot be written.
inline std::ostream* open_output(const std::string& path, std::ofstream& file, std::ostream& out, std::ostream& err) {
    if (path.empty()) return &out;
    file.open(path, std::ios::binary | std::ios::trunc);
    if (file) return &file;
    err << "error: " << path << ": cannot write the report\n";
    return nullptr;
}

}  // namespace pgfence::bot
