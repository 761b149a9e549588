// analyze/safe_write.hpp: every file pgfence writes stays under the folder it was given and is
// never written through a link, whichever component of the path the link is.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/base/safe_write.hpp"

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "pgfence-safe-write-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void put(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("safe write: new files and folders under the base, replaced whole") {
    TempDir t;
    const std::string base = (t.path / "plans").string();
    WriteOptions make_base;
    make_base.create_base = true;
    REQUIRE(write_file_under(base, "db/migrate/001.sql", "one", make_base));
    CHECK(read(t.path / "plans/db/migrate/001.sql") == "one");
    REQUIRE(write_file_under(base, "db/migrate/001.sql", "two"));
    CHECK(read(t.path / "plans/db/migrate/001.sql") == "two");
    CHECK(entries(t.path / "plans/db/migrate") == 1);  // no temporary file left beside it
    REQUIRE(append_file_under(base, "db/migrate/001.sql", "+three"));
    CHECK(read(t.path / "plans/db/migrate/001.sql") == "two+three");
}

TEST_CASE("safe write: a link as the file itself is refused and its target untouched") {
    TempDir t;
    put(t.path / "victim", "secret");
    fs::create_directories(t.path / "out");
    fs::create_symlink(t.path / "victim", t.path / "out/report.json");
    auto written = write_file_under((t.path / "out").string(), "report.json", "pwned");
    REQUIRE_FALSE(written);
    CHECK(written.error().message.find("symbolic link") != std::string::npos);
    CHECK(written.error().file == (t.path / "out/report.json").string());
    CHECK(read(t.path / "victim") == "secret");
    CHECK_FALSE(append_file_under((t.path / "out").string(), "report.json", "pwned"));
    CHECK_FALSE(write_output_file((t.path / "out/report.json").string(), "pwned"));
    CHECK(read(t.path / "victim") == "secret");
    CHECK(fs::is_symlink(fs::symlink_status(t.path / "out/report.json")));
    // --force of init: the link itself is replaced, its target still untouched.
    WriteOptions replace;
    replace.replace_link = true;
    REQUIRE(write_file_under((t.path / "out").string(), "report.json", "mine", replace));
    CHECK(read(t.path / "victim") == "secret");
    CHECK_FALSE(fs::is_symlink(fs::symlink_status(t.path / "out/report.json")));
    CHECK(read(t.path / "out/report.json") == "mine");
}

TEST_CASE("safe write: a link as any folder below the base is refused, nothing made through it") {
    TempDir t;
    fs::create_directories(t.path / "elsewhere");
    fs::create_directories(t.path / "plans/db");
    fs::create_directory_symlink(t.path / "elsewhere", t.path / "plans/db/migrate");
    auto written = write_file_under((t.path / "plans").string(), "db/migrate/sub/001.sql", "x");
    REQUIRE_FALSE(written);
    CHECK(written.error().file == (t.path / "plans/db/migrate").string());
    CHECK(written.error().message.find("symbolic link") != std::string::npos);
    CHECK(entries(t.path / "elsewhere") == 0);
    // A dangling link in the way is refused too, not made into a folder at its target.
    fs::create_directory_symlink(t.path / "nowhere", t.path / "plans/dangling");
    CHECK_FALSE(write_file_under((t.path / "plans").string(), "dangling/001.sql", "x"));
    CHECK_FALSE(fs::exists(t.path / "nowhere"));
}

TEST_CASE("safe write: the base as given may be a link; the path below it may not leave it") {
    TempDir t;
    fs::create_directories(t.path / "real");
    fs::create_directory_symlink(t.path / "real", t.path / "given");
    REQUIRE(write_file_under((t.path / "given").string(), "a.sql", "ok"));
    CHECK(read(t.path / "real/a.sql") == "ok");
    REQUIRE(write_output_file((t.path / "given/b.json").string(), "ok"));
    CHECK(read(t.path / "real/b.json") == "ok");
    for (const char* bad : {"../a.sql", "x/../../a.sql", "/etc/passwd", "./a.sql", ""}) {
        INFO(bad);
        CHECK_FALSE(write_file_under((t.path / "real").string(), bad, "x"));
    }
    CHECK_FALSE(fs::exists(t.path / "a.sql"));
    CHECK_FALSE(write_output_file((t.path / "real").string() + "/", "x"));  // no file name
}

TEST_CASE("safe write: a file not committed is not left behind, and modes are kept") {
    TempDir t;
    {
        auto file = OutputFile::create(t.path.string(), "partial.json");
        REQUIRE(file);
        (*file)->stream() << "half";
    }
    CHECK(entries(t.path) == 0);
    WriteOptions hook;
    hook.mode = 0755;
    hook.exact_mode = true;
    REQUIRE(write_file_under(t.path.string(), "pre-commit", "#!/bin/sh\n", hook));
    CHECK((fs::status(t.path / "pre-commit").permissions() & fs::perms::all) == static_cast<fs::perms>(0755));
    // A folder where the file goes: refused, not replaced.
    fs::create_directories(t.path / "dir.json");
    CHECK_FALSE(write_file_under(t.path.string(), "dir.json", "x"));
    // A device the user names (-o /dev/null) is written in place; never under a given folder.
    CHECK(write_output_file("/dev/null", "x"));
    CHECK(append_file_under("/dev", "null", "x"));
    CHECK_FALSE(write_file_under("/dev", "null", "x"));
}
