// Runs the built `pgfence analyze --format json` over every .sql file of the shared real-world
// corpus and checks what a user would rely on: it never crashes, its JSON parses and covers
// every file, every unparsable statement carries a located parse error, and standard error
// holds exactly one "error: <path>:<line>:<col>: ..." line per unparsable statement. Then the
// corpus's ORM migration scripts (.ts/.js): no crash, and every one in the report.
//
// usage: check_corpus PGFENCE_BINARY CORPUS_DIR
// exit: 0 passed, 1 failed, 77 skipped (no corpus folder).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int k_exit_skip = 77;
constexpr std::size_t k_batch_bytes = 256 * 1024;  // command-line bytes per pgfence run

struct Outcome {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs `argv` in `dir` with stdout and stderr captured in files (reports can be megabytes).
Outcome run(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& scratch) {
    fs::path out_path = scratch / "stdout", err_path = scratch / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());

    Outcome o;
    pid_t pid = 0;
    int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        o.err = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
        return o;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
    o.out = read_file(out_path);
    o.err = read_file(err_path);
    return o;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

struct Totals {
    std::size_t files = 0, statements = 0, unparsable = 0, unknown = 0;
    std::vector<std::string> unparsable_at;  // "path:line:col: message"
    std::vector<std::string> failures;
};

// Checks one pgfence run over `batch` (paths relative to the corpus folder).
void check_batch(const std::vector<std::string>& batch, const Outcome& o, const std::string& label, Totals& t) {
    auto fail = [&](const std::string& what) { t.failures.push_back(label + ": " + what); };
    if (o.exit_code < 0) {
        fail(o.signal ? "pgfence died by signal " + std::to_string(o.signal) + " (" + strsignal(o.signal) + ")"
                      : "pgfence did not run: " + o.err);
        return;
    }
    if (o.exit_code != 0 && o.exit_code != 2) fail("exit code " + std::to_string(o.exit_code) + " (expected 0 or 2)");

    json report = json::parse(o.out, nullptr, false);
    if (report.is_discarded() || !report.is_object() || !report.contains("files") || !report["files"].is_array()) {
        fail("standard output is not a JSON report (first bytes: " + o.out.substr(0, 120) + ")");
        return;
    }

    std::map<std::string, int> seen;
    std::multiset<std::string> expected_errors;  // "path:line:col"
    std::size_t unparsable_here = 0;
    for (const auto& file : report["files"]) {
        std::string path = file.value("path", std::string());
        ++seen[path];
        ++t.files;
        if (!file["error"].is_null()) fail(path + ": file error in the report: " + file["error"].dump());
        for (const auto& s : file.value("statements", json::array())) {
            ++t.statements;
            std::string status = s.value("status", std::string());
            if (status == "unknown") ++t.unknown;
            if (status != "unparsable") continue;
            ++t.unparsable;
            ++unparsable_here;
            const json& e = s["parse_error"];
            if (!e.is_object()) {
                fail(path + ": unparsable statement " + s.value("index", json()).dump() + " has no parse_error");
                continue;
            }
            int line = e.value("line", 0), column = e.value("column", 0);
            std::string message = e.value("message", std::string());
            if (line < 1 || column < 1) fail(path + ": parse_error at line " + std::to_string(line) + ", column " +
                                             std::to_string(column) + " (both must be >= 1)");
            if (message.empty()) fail(path + ": parse_error without a message");
            std::string where = path + ":" + std::to_string(line) + ":" + std::to_string(column);
            expected_errors.insert(where);
            t.unparsable_at.push_back(where + ": " + message);
        }
    }
    for (const auto& f : batch) {
        if (seen[f] != 1) fail(f + " appears " + std::to_string(seen[f]) + " times in the report (expected once)");
    }
    if (report["files"].size() != batch.size()) {
        fail("the report lists " + std::to_string(report["files"].size()) + " files for " +
             std::to_string(batch.size()) + " inputs");
    }
    if (unparsable_here > 0 && o.exit_code != 2) fail("unparsable statements but exit code " + std::to_string(o.exit_code));

    // Standard error: one located error line per unparsable statement, and the assumptions pgfence
    // states (a `note:` line, such as the order it assumed for a set no file names a tool for).
    std::vector<std::string> err_lines = lines_of(o.err);
    std::erase_if(err_lines, [](const std::string& line) { return line.rfind("note: ", 0) == 0; });
    if (err_lines.size() != unparsable_here) {
        fail("standard error has " + std::to_string(err_lines.size()) + " lines for " +
             std::to_string(unparsable_here) + " unparsable statements");
    }
    for (const auto& line : err_lines) {
        bool matched = false;
        if (line.rfind("error: ", 0) == 0) {
            for (auto it = expected_errors.begin(); it != expected_errors.end(); ++it) {
                if (line.compare(7, it->size() + 2, *it + ": ") == 0) {
                    expected_errors.erase(it);
                    matched = true;
                    break;
                }
            }
        }
        if (!matched) fail("unexpected standard error line: " + line.substr(0, 200));
    }
}

// The corpus's ORM migration scripts (.ts/.js under a migrations folder): no crash, a JSON
// report with every file, read as an ORM, with a coverage count for each.
bool check_scripts(const fs::path& binary, const fs::path& corpus, const fs::path& scratch) {
    std::vector<std::string> scripts;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(corpus, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        std::string rel = fs::relative(it->path(), corpus).generic_string();
        std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".ts" || ext == ".js") && rel.find("migration") != std::string::npos &&
            rel.find("node_modules") == std::string::npos) {
            scripts.push_back(rel);
        }
    }
    std::sort(scripts.begin(), scripts.end());
    if (scripts.empty()) return true;
    std::vector<std::string> failures;
    std::size_t files = 0, orm_files = 0, found = 0, analysed = 0;
    for (std::size_t i = 0; i < scripts.size();) {
        std::vector<std::string> batch;
        std::size_t bytes = 0;
        while (i < scripts.size() && (batch.empty() || bytes + scripts[i].size() + 1 < k_batch_bytes)) {
            bytes += scripts[i].size() + 1;
            batch.push_back(scripts[i++]);
        }
        std::vector<std::string> args{binary.string(), "analyze", "--no-config", "--format", "json", "--"};
        args.insert(args.end(), batch.begin(), batch.end());
        Outcome o = run(args, corpus, scratch);
        if (o.exit_code < 0 || (o.exit_code != 0 && o.exit_code != 2)) {
            failures.push_back("scripts: exit " + std::to_string(o.exit_code) + " signal " + std::to_string(o.signal));
            continue;
        }
        json report = json::parse(o.out, nullptr, false);
        if (report.is_discarded() || !report.contains("files")) {
            failures.push_back("scripts: the report is not JSON");
            continue;
        }
        if (report["files"].size() != batch.size()) failures.push_back("scripts: files missing from the report");
        for (const auto& f : report["files"]) {
            ++files;
            if (!f.contains("coverage")) continue;
            ++orm_files;
            found += f["coverage"].value("found", 0);
            analysed += f["coverage"].value("analysed", 0);
        }
    }
    std::cout << "scripts: " << scripts.size() << " .ts/.js files, " << files << " in the reports, " << orm_files
              << " read as ORM migrations, " << analysed << "/" << found << " statements analysed\n";
    if (orm_files == 0) failures.push_back("scripts: no file was read as an ORM migration");
    for (const auto& f : failures) std::cout << "  FAIL: " << f << "\n";
    return failures.empty();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: check_corpus PGFENCE_BINARY CORPUS_DIR\n";
        return 2;
    }
    fs::path binary = fs::absolute(argv[1]);
    fs::path corpus = argv[2];
    std::error_code ec;
    if (!fs::is_directory(corpus, ec)) {
        std::cout << "SKIP: no corpus folder at " << corpus.string() << " (the shared corpus beside the repository)\n";
        return k_exit_skip;
    }
    corpus = fs::canonical(corpus);

    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(corpus, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".sql") {
            files.push_back(fs::relative(it->path(), corpus).string());
        }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        std::cout << "SKIP: no .sql file under " << corpus.string() << "\n";
        return k_exit_skip;
    }

    fs::path scratch = fs::temp_directory_path() / ("pgfence-corpus-" + std::to_string(getpid()));
    fs::create_directories(scratch);
    bool ok = true;
    // The default direction is what users run; "both" also reads down migrations.
    for (const char* direction : {"up", "both"}) {
        Totals t;
        std::size_t batches = 0;
        for (std::size_t i = 0; i < files.size();) {
            std::vector<std::string> batch;
            std::size_t bytes = 0;
            while (i < files.size() && (batch.empty() || bytes + files[i].size() + 1 < k_batch_bytes)) {
                bytes += files[i].size() + 1;
                batch.push_back(files[i++]);
            }
            std::vector<std::string> args{binary.string(), "analyze", "--no-config", "--format", "json", "--direction", direction, "--"};
            args.insert(args.end(), batch.begin(), batch.end());
            Outcome o = run(args, corpus, scratch);
            check_batch(batch, o, std::string("--direction ") + direction + " batch " + std::to_string(++batches), t);
        }
        std::cout << "--direction " << direction << ": " << files.size() << " files in " << batches << " run(s); report: "
                  << t.files << " files, " << t.statements << " statements, " << t.unparsable << " unparsable, "
                  << t.unknown << " unknown\n";
        for (const auto& u : t.unparsable_at) std::cout << "  unparsable: " << u << "\n";
        for (const auto& f : t.failures) std::cout << "  FAIL: " << f << "\n";
        ok = ok && t.failures.empty();
    }
    ok = check_scripts(binary, corpus, scratch) && ok;
    fs::remove_all(scratch, ec);
    std::cout << (ok ? "corpus: passed\n" : "corpus: FAILED\n");
    return ok ? 0 : 1;
}
