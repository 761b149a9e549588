// Nothing from the repository may act on the GitHub Actions runner (issue #13, item 3): every
// line written to stdout/stderr passes RunnerGuard; only pgfence's own escaped commands pass it.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "annotate/escape.hpp"
#include "annotate/json_writer.hpp"
#include "annotate/runner_commands.hpp"
#include "annotate/workflow_commands.hpp"

using namespace pgfence::annotate;

namespace {

const char* k_commands[] = {"error",        "warning",   "notice",   "debug",          "group",      "endgroup",
                            "add-mask",     "stop-commands", "echo",  "set-output",     "save-state", "add-path",
                            "set-env",      "add-matcher", "remove-matcher", "pwned-resume-token"};

// What the runner would take as a command: a line (split at \n and \r) starting with "::" after
// leading whitespace (ASCII, U+00A0 or U+3000, as .NET trims them), or containing "##[".
bool runner_command_in(const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::size_t i = 0;
        while (i < line.size()) {
            if (line[i] == ' ' || line[i] == '\t') ++i;
            else if (line.compare(i, 2, "\xC2\xA0") == 0) i += 2;       // U+00A0
            else if (line.compare(i, 3, "\xE3\x80\x80") == 0) i += 3;  // U+3000
            else break;
        }
        if (line.compare(i, 2, "::") == 0 || line.find("##[") != std::string::npos) return true;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return false;
}

std::string through_guard(const std::string& text) {
    std::ostringstream sink;
    {
        RunnerGuard guard(sink.rdbuf());
        std::ostream out(&guard);
        out << text;
    }
    return sink.str();
}

}  // namespace

TEST_CASE("runner guard: no command name survives at a line start, in any line-break or indent form") {
    for (const char* name : k_commands) {
        for (std::string form : {std::string("::") + name + "::payload", std::string("::") + name + " file=README.md,line=1::FAKE",
                                 std::string("##[") + name + "]payload", std::string("##[") + name + " name=x;]payload"}) {
            for (std::string prefix : {"", "x\n", "x\r", "x\r\n", "x\n   ", "x\n\t", "x\n\xC2\xA0", "x\n\xE3\x80\x80"}) {
                std::string hostile = prefix + form + "\n";
                INFO(hostile);
                REQUIRE(runner_command_in(hostile));
                CHECK_FALSE(runner_command_in(break_runner_commands(hostile)));
                CHECK_FALSE(runner_command_in(through_guard(hostile)));
            }
        }
    }
    // Text that is no command is passed as it is.
    CHECK(through_guard("CREATE INDEX i ON t (x::int);\n  a :: b\n") == "CREATE INDEX i ON t (x::int);\n  a :: b\n");
    CHECK(break_legacy_commands("###[x") == std::string("##") + std::string(k_zero_width_space) + "#[x");
}

TEST_CASE("runner guard: a command after a long line holding \"::\" is found, whatever the break's offset") {
    // The guard skips the rest of a line after its first "::" by looking for the next break
    // sixteen bytes at a time: a break at any offset in or after such a block must end the line.
    for (std::size_t run = 0; run < 40; ++run) {
        for (std::string brk : {"\n", "\r", "\r\n"}) {
            std::string hostile = "SELECT x::int" + std::string(run, 'y') + brk + "::add-mask::" + std::string(run, 'z') + brk +
                                  "a::b" + std::string(run, '-') + brk + "  ::stop-commands::t\n";
            INFO(run);
            REQUIRE(runner_command_in(hostile));
            CHECK_FALSE(runner_command_in(break_runner_commands(hostile)));
            CHECK_FALSE(runner_command_in(through_guard(hostile)));
        }
    }
}

TEST_CASE("runner guard: a line split across writes is judged whole; a partial line waits") {
    std::ostringstream sink;
    {
        RunnerGuard guard(sink.rdbuf());
        std::ostream out(&guard);
        out << "ok\n  :";
        out.flush();
        out << ":stop-commands::x\nsome ##";
        out.flush();
        out << "[error]y";
    }
    CHECK_FALSE(runner_command_in(sink.str()));
    CHECK(sink.str().rfind("ok\n", 0) == 0);
}

TEST_CASE("runner guard: pgfence's own workflow commands pass, on a line of their own") {
    std::ostringstream sink;
    {
        RunnerGuard guard(sink.rdbuf());
        std::ostream out(&guard);
        out << "report";
        write_workflow_command(out, "::error file=a.sql,line=1::" + escape_command_data("x\n::stop-commands::t\n##[error]z"));
        out << "::warning::from input\n";
    }
    std::string text = sink.str();
    INFO(text);
    CHECK(text.find("report\n::error file=a.sql,line=1::x%0A::stop-commands::t%0A#") == 0);
    CHECK(text.find("##[") == std::string::npos);
    CHECK(text.find("\n::warning") == std::string::npos);
}

TEST_CASE("workflow command escapes: no line break, no legacy command, GitHub's property escapes") {
    CHECK(escape_command_data("a%b\r\nc") == "a%25b%0D%0Ac");
    CHECK(escape_command_property("a:b,c\n") == "a%3Ab%2Cc%0A");
    CHECK(escape_command_data("##[error]x").find("##[") == std::string::npos);
    CHECK(escape_command_property("##[set-output name=x;]").find("##[") == std::string::npos);
}

TEST_CASE("JSON strings: \"##[\" written as an escape, the same value to a JSON reader") {
    std::string out;
    append_json_escaped(out, "a ##[error]b [c] #[d]");
    CHECK(out == "a ##\\u005berror]b [c] #[d]");
    CHECK(json_without_legacy_commands(R"({"a": "##[error]x"})") == R"({"a": "##\u005berror]x"})");
}
