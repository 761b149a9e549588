// The data folder's owner (serve/data_lock.hpp) and the admin socket (serve/admin.hpp): the lock
// is exclusive, held by every process that inherited it, never through a link; the socket answers
// one JSON line, refuses what is not a socket of ours, and is gone with its service.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "serve/admin.hpp"
#include "serve/data_lock.hpp"

using namespace pgfence::serve;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string temp_folder() {
    std::string templ = (fs::temp_directory_path() / "pgfence-lock-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    return templ;
}

bool free_now(const std::string& dir) {
    auto lock = DataLock::try_take(dir);
    REQUIRE(lock);
    return lock->has_value();
}

}  // namespace

TEST_CASE("the data folder's lock: one holder, kept by the processes that inherit it", "[serve]") {
    const std::string root = temp_folder();
    const std::string dir = root + "/data-folder";
    {
        auto first = DataLock::try_take(dir);  // creates the folder
        REQUIRE(first);
        REQUIRE(first->has_value());
        CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
        CHECK_FALSE(free_now(dir));  // another open file description, even in this process

        // A child that inherited the descriptor (as the embedded server does) keeps the folder
        // taken after its parent let go.
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            pause();
            _exit(0);
        }
        first->reset();
        CHECK_FALSE(free_now(dir));
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
    }
    CHECK(free_now(dir));

    fs::remove(dir + "/pgfence.lock");
    fs::create_symlink(root + "/elsewhere", dir + "/pgfence.lock");
    auto linked = DataLock::try_take(dir);
    REQUIRE_FALSE(linked);
    CHECK(linked.error().message.find("is a link") != std::string::npos);
    CHECK_FALSE(fs::exists(root + "/elsewhere"));
    fs::remove_all(root);
}

TEST_CASE("the admin socket: one JSON line each way, 0600, refused through a link, gone with its service", "[serve]") {
    const std::string dir = temp_folder();
    {
        auto none = admin_call(dir, {{"command", "ping"}});
        REQUIRE(none);
        CHECK_FALSE(none->has_value());  // no service
    }
    {
        auto admin = AdminSocket::open(dir, [](const json& request) { return json{{"echo", request.value("command", "")}}; });
        REQUIRE(admin);
        struct stat st {};
        REQUIRE(lstat(admin_socket_path(dir).c_str(), &st) == 0);
        CHECK(S_ISSOCK(st.st_mode));
        CHECK((st.st_mode & 0777) == 0600);
        auto answer = admin_call(dir, {{"command", "ping"}});
        REQUIRE(answer);
        REQUIRE(answer->has_value());
        CHECK((**answer)["echo"] == "ping");
    }
    CHECK_FALSE(fs::exists(admin_socket_path(dir)));
    fs::create_symlink("/tmp/somewhere-else.sock", admin_socket_path(dir));
    auto linked = admin_call(dir, {{"command", "ping"}});
    CHECK_FALSE(linked);
    auto refused = AdminSocket::open(dir, [](const json&) { return json::object(); });
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("not a socket") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("reach_folder: the lock when free; a held folder whose owner does not answer is waited for, then named", "[serve]") {
    const std::string dir = temp_folder();
    {
        auto folder = reach_folder(dir, {{"command", "ping"}});
        REQUIRE(folder);
        CHECK(folder->lock.has_value());
        auto held = reach_folder(dir, {{"command", "ping"}}, nullptr, 1);
        REQUIRE_FALSE(held);
        CHECK(held.error().message.find("does not answer") != std::string::npos);
        auto admin = AdminSocket::open(dir, [](const json&) { return json{{"pid", 42}}; });
        REQUIRE(admin);
        auto answered = reach_folder(dir, {{"command", "ping"}});
        REQUIRE(answered);
        CHECK_FALSE(answered->lock.has_value());
        REQUIRE(answered->answer.has_value());
        CHECK((*answered->answer)["pid"] == 42);
    }
    fs::remove_all(dir);
}
