// The runner guard against a model of the GitHub Actions runner: lines read as .NET's
// StreamReader.ReadLine splits them (\r, \n, \r\n), decoded as UTF-8 (invalid bytes U+FFFD),
// TrimStart()ed of .NET whitespace, then "::" at the start or "##[" anywhere is a command.
// Random text, written through RunnerGuard in random pieces, flushes and single characters.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/base/utf8.hpp"
#include "annotate/escape.hpp"
#include "annotate/runner_commands.hpp"

using namespace pgfence::annotate;

namespace {

bool dotnet_whitespace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::u32string decode(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        int step = pgfence::analyze::utf8_step(s, i);
        if (step < 0) {
            out += U'\uFFFD';
            i += static_cast<std::size_t>(-step);
            continue;
        }
        auto b = [&](int k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)])); };
        char32_t c = step == 1 ? b(0) : step == 2 ? ((b(0) & 0x1F) << 6) | (b(1) & 0x3F)
                   : step == 3 ? ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)
                               : ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
        out += c;
        i += static_cast<std::size_t>(step);
    }
    return out;
}

// The first line the runner would obey, or "" if none.
std::string runner_command(const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::u32string u = decode(line);
        std::size_t i = 0;
        while (i < u.size() && dotnet_whitespace(u[i])) ++i;
        if (u.compare(i, 2, U"::") == 0 || u.find(U"##[") != std::u32string::npos) return line;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return "";
}

const std::vector<std::string> k_atoms = {":", ":", "::", "#", "##", "[", " ", "\t", "\n", "\r", "\r\n", "a", std::string(1, '\0'),
                                          "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x8B", "\xE2\x80", "\xE2", "\x80", "\x85", "\xC2\x85",
                                          "\xEF\xBB\xBF", "\x0b", "\x1f", "\x7f", "\xF0\x9F", "x"};

}  // namespace

TEST_CASE("runner guard fuzz: no command survives any text split any way") {
    std::mt19937 rng(20261122);
    for (int round = 0; round < 60000; ++round) {
        std::string text;
        int atoms = static_cast<int>(rng() % 14);
        for (int a = 0; a < atoms; ++a) text += k_atoms[rng() % k_atoms.size()];
        std::string whole = break_runner_commands(text);
        INFO("text: " << text);
        INFO("whole: " << whole);
        REQUIRE(runner_command(whole).empty());
        std::ostringstream sink;
        {
            RunnerGuard guard(sink.rdbuf());
            std::ostream out(&guard);
            std::size_t i = 0;
            while (i < text.size()) {
                std::size_t n = 1 + rng() % 4;
                if (n > text.size() - i) n = text.size() - i;
                switch (rng() % 4) {
                    case 0: out.put(text[i]); n = 1; break;
                    case 1: out.write(text.data() + i, static_cast<std::streamsize>(n)); out.flush(); break;
                    default: out.write(text.data() + i, static_cast<std::streamsize>(n)); break;
                }
                i += n;
            }
        }
        INFO("pieces: " << sink.str());
        REQUIRE(runner_command(sink.str()).empty());
    }
}

TEST_CASE("runner guard with an output buffer: the same bytes as without, held until full or flushed") {
    std::mt19937 rng(20261123);
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        int atoms = static_cast<int>(rng() % 14);
        for (int a = 0; a < atoms; ++a) text += k_atoms[rng() % k_atoms.size()];
        std::size_t buffer = 1 + rng() % 24;
        INFO("text: " << text << " buffer: " << buffer);
        std::ostringstream plain_sink, buffered_sink;
        {
            RunnerGuard plain_guard(plain_sink.rdbuf()), buffered_guard(buffered_sink.rdbuf(), buffer);
            std::ostream plain(&plain_guard), buffered(&buffered_guard);
            for (std::size_t i = 0; i < text.size();) {
                std::size_t n = std::min<std::size_t>(1 + rng() % 6, text.size() - i);
                switch (rng() % 4) {
                    case 0:
                        plain.put(text[i]);
                        buffered.put(text[i]);
                        n = 1;
                        break;
                    case 1:
                        plain.write(text.data() + i, static_cast<std::streamsize>(n)).flush();
                        buffered.write(text.data() + i, static_cast<std::streamsize>(n)).flush();
                        // After a flush nothing waits in the buffer: both targets hold the same.
                        REQUIRE(buffered_sink.str() == plain_sink.str());
                        break;
                    default:
                        plain.write(text.data() + i, static_cast<std::streamsize>(n));
                        buffered.write(text.data() + i, static_cast<std::streamsize>(n));
                }
                i += n;
            }
        }
        REQUIRE(buffered_sink.str() == plain_sink.str());
        REQUIRE(runner_command(buffered_sink.str()).empty());
    }
    // Held: nothing reaches the target before the buffer fills or the stream is flushed.
    std::ostringstream sink;
    RunnerGuard guard(sink.rdbuf(), 64);
    std::ostream out(&guard);
    out << "line one\nline two\n";
    CHECK(sink.str().empty());
    out << std::string(70, 'x') << "\n";
    CHECK(sink.str() == "line one\nline two\n" + std::string(70, 'x') + "\n");
    out << "::error::hostile\n";
    CHECK(sink.str().size() == 18 + 71);
    out.flush();
    CHECK(sink.str().size() == 18 + 71 + std::string(k_zero_width_space).size() + 17);
    CHECK(runner_command(sink.str()).empty());
}

namespace {

// What the guard should write for `text`, computed line by line, a byte at a time: a zero-width
// space before a line whose first "::" follows only bytes the runner may trim, and one after
// the first '#' of every "##[".
std::string guarded_reference(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = start;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
        if (end < text.size()) ++end;  // the break belongs to its line
        std::string_view line = text.substr(start, end - start);
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            if (line[i] != ':' || line[i + 1] != ':') continue;
            bool trimmed = true;
            for (std::size_t k = 0; k < i; ++k) {
                auto c = static_cast<unsigned char>(line[k]);
                trimmed = trimmed && (c <= 0x20 || c >= 0x80);
            }
            if (trimmed) out += k_zero_width_space;
            break;
        }
        for (std::size_t i = 0; i < line.size(); ++i) {
            out += line[i];
            if (line.substr(i, 3) == "##[") out += k_zero_width_space;
        }
        start = end;
    }
    return out;
}

}  // namespace

// Longer text than above, so that "::" and "##[" fall at every place in and across the
// sixteen-byte blocks the guard scans, written with workflow commands of pgfence's own in
// between, through buffers from none to larger than the whole text: every byte comes out once,
// in order, guarded as the byte-at-a-time reference says, with each command on a line of its own.
TEST_CASE("runner guard fuzz: long lines across blocks and buffers, with pgfence's own commands between") {
    std::mt19937 rng(20261124);
    const std::vector<std::string> commands = {"::warning file=db/migrate/1_add_index.sql,line=3::CREATE INDEX locks writes",
                                               "::error file=a.sql,title=pgfence%3A::table ##[set-output] users",
                                               "::notice::done"};
    for (int round = 0; round < 20000; ++round) {
        const std::size_t limits[] = {0, 1 + rng() % 24, 64, 1u << 16};
        const std::size_t limit = limits[rng() % 4];
        std::string expected;
        std::string segment;  // text since the last command
        std::ostringstream sink;
        std::string log;
        {
            RunnerGuard guard(sink.rdbuf(), limit);
            std::ostream out(&guard);
            int ops = static_cast<int>(rng() % 24);
            for (int op = 0; op < ops; ++op) {
                if (rng() % 10 == 0) {
                    const std::string& command = commands[rng() % commands.size()];
                    expected += guarded_reference(segment);
                    if (!segment.empty() && segment.back() != '\n' && segment.back() != '\r') expected += '\n';
                    expected += break_legacy_commands(command) + "\n";
                    segment.clear();
                    write_workflow_command(out, command);
                    log += "[command]";
                    continue;
                }
                std::string piece(rng() % 3 == 0 ? rng() % 40 : 0, "ab :#"[rng() % 5 == 0 ? rng() % 5 : 0]);
                for (int a = static_cast<int>(rng() % 6); a > 0; --a) piece += k_atoms[rng() % k_atoms.size()];
                segment += piece;
                log += "[" + piece + "]";
                switch (rng() % 4) {
                    case 0:
                        for (char c : piece) out.put(c);
                        break;
                    case 1: out.write(piece.data(), static_cast<std::streamsize>(piece.size())).flush(); break;
                    default: out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
                }
            }
        }
        expected += guarded_reference(segment);
        INFO("limit " << limit << " pieces: " << log);
        REQUIRE(sink.str() == expected);
    }
}
