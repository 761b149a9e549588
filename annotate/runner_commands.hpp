#pragma once
// The GitHub Actions runner obeys workflow commands in whatever a step writes to standard
// output or error: a line that starts with "::" once leading whitespace is trimmed
// (`::stop-commands::`, `::add-mask::`, `::error ...`), and "##[" anywhere in a line (the
// legacy form). Every byte pgfence writes there goes through RunnerGuard, which breaks both,
// so no renderer can let repository text act on the runner; only the workflow-command writer
// puts its own, escaped, commands past it.
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace pgfence::annotate {

// `text` (whole lines) with every line that would start with "::" prefixed by a zero-width
// space and every "##[" broken by one. The runner splits lines at \n and at \r.
[[nodiscard]] std::string break_runner_commands(std::string_view text);
// Every "##[" broken; for text inside one line (a command's own data and properties).
[[nodiscard]] std::string break_legacy_commands(std::string_view text);

// A JSON document with every "##[" (only ever inside a string) written "##\u005b": the same
// value to a JSON reader, nothing to the runner.
[[nodiscard]] std::string json_without_legacy_commands(std::string json);

// A stream buffer in front of stdout or stderr that writes each line through
// break_runner_commands. A partial line waits for its line break (or the guard's end).
class RunnerGuard : public std::streambuf {
public:
    // `buffer_bytes`: guarded text is collected up to this size before it goes to `target` (0:
    // each piece at once, for a terminal, where output should appear as a file is done).
    explicit RunnerGuard(std::streambuf* target, std::size_t buffer_bytes = 0)
        : m_out_limit(buffer_bytes), m_target(target) {}
    RunnerGuard(const RunnerGuard&) = delete;
    RunnerGuard& operator=(const RunnerGuard&) = delete;
    ~RunnerGuard() override;

    // One workflow command pgfence composed and escaped itself, written as it is.
    void write_command(std::string_view line);

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

private:
    void emit_lines(bool partial_too);
    // Guarded text goes out through a buffer of its own: the target's (a std::filebuf) writes
    // any piece of 1 KB or more at once, one system call per file of a report.
    void send(std::string_view piece);
    void send_buffered();
    std::size_t m_out_limit;
    std::streambuf* m_target;
    std::string m_pending;
    std::string m_out;
};

// Writes a workflow command line (without its line break) to `out`: past the guard when `out`
// has one, as it is otherwise (a file, a test's string stream).
void write_workflow_command(std::ostream& out, std::string_view line);

}  // namespace pgfence::annotate
