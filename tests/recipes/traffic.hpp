#pragma once
// The application, while a recipe runs: a writer session that INSERTs and UPDATEs in turn
// and a reader session that SELECTs, each on a thread and connection of its own, lightly
// paced. Each of their statements that waits for a lock the recipe's sessions hold or queue
// for (found with pg_blocking_pids, by application_name) is timed against what the current
// phase allows: a step whose predicted locks let writes (or reads) through may hold them up
// no longer than a short bound. Any error they get is reported with the phase it came in.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pgfence::tests::recipes {

// application_name of the sessions that run the recipe's statements and the test's hooks.
inline constexpr const char* k_recipe_application = "pgfence_recipe";
// application_name of the application's sessions (writer and reader).
inline constexpr const char* k_traffic_application = "pgfence_traffic";

// The application's statements; "{n}" is replaced by a counter, different for each statement.
struct TrafficSql {
    std::string insert;  // writer, in turn with `update`; "" for none
    std::string update;
    std::string select;  // reader; "" for none
};

// What the recipe is doing now, and whether its predicted locks may hold the writer (a lock
// conflicting with ROW EXCLUSIVE) or the reader (conflicting with ACCESS SHARE) up.
struct Phase {
    std::string label;
    bool writer_may_wait = false;
    bool reader_may_wait = false;
};

class Traffic {
public:
    // How long a statement may wait for the recipe's sessions in a phase that predicts it need
    // not wait at all: a batch's row locks, a moment in a lock queue.
    static constexpr std::chrono::milliseconds k_short_wait{2000};

    // `conninfo`: the database the recipe runs on (application_name is added).
    Traffic(std::string conninfo, TrafficSql sql);
    Traffic(const Traffic&) = delete;
    Traffic& operator=(const Traffic&) = delete;
    ~Traffic();  // stops

    void start();
    // The application deployed anew (the recipe says so): its next statements are these.
    void set_sql(TrafficSql sql);
    void set_phase(Phase phase);
    // Both sessions disconnect (after their statement in flight) and stay away until resume():
    // CREATE DATABASE ... TEMPLATE needs the database to itself.
    void pause();
    void resume();
    // Waits (5 s at most) until each session has run `statements` more: before a step, so that
    // the application is busy when it starts; after the recipe, so that its writes are seen to
    // work once the recipe is over.
    void settle(int statements);
    void stop();

    // After stop(): what went wrong, one line each (the first few of each kind).
    [[nodiscard]] std::vector<std::string> problems() const;
    // "writer: 412 statements, reader: 398" for the log.
    [[nodiscard]] std::string summary() const;
    // INSERTs that succeeded (a row each, for the checks that count them).
    [[nodiscard]] long inserted() const { return m_inserted.load(); }

private:
    enum class Role { writer, reader };
    struct Next {
        std::string sql;
        bool insert = false;
    };

    void work(Role role);
    // The session's next statement (the writer alternates by `turn`); false when it has none.
    [[nodiscard]] bool next(Role role, long turn, Next& out);
    void problem(const std::string& key, std::string text);
    [[nodiscard]] Phase phase() const;

    const std::string m_conninfo;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    TrafficSql m_sql;
    Phase m_phase;
    bool m_started = false;
    bool m_stopping = false;
    bool m_paused = false;
    int m_connected = 0;
    std::vector<std::string> m_problems;
    std::vector<std::pair<std::string, int>> m_problem_counts;  // per kind, to keep a few of each
    std::vector<std::thread> m_threads;
    std::atomic<long> m_counter{0};
    std::atomic<long> m_inserted{0};
    std::atomic<long> m_writes{0};
    std::atomic<long> m_reads{0};
};

}  // namespace pgfence::tests::recipes
