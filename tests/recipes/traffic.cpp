#include "tests/recipes/traffic.hpp"

#include <cstdlib>
#include <optional>

#include "trace/pq_connection.hpp"

namespace pgfence::tests::recipes {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds k_pace{10};        // between two statements of a session
constexpr std::chrono::milliseconds k_poll{5};         // while a statement runs
constexpr std::chrono::milliseconds k_probe_every{100};  // pg_blocking_pids while it waits
constexpr std::chrono::seconds k_give_up{120};         // then it is cancelled and reported
constexpr int k_per_kind = 3;                           // problems kept of each kind

// Is backend $1 waiting for a lock that a session of the recipe holds or is queued for ahead of it?
const std::string k_blocked_sql = std::string(
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ANY (pg_blocking_pids($1::int)) "
    "AND application_name = '") + k_recipe_application + "')";

std::string one_line(std::string text) {
    for (char& c : text) if (c == '\n') c = ' ';
    return text.size() > 160 ? text.substr(0, 157) + "..." : text;
}

// The server's message without its LINE/QUERY/CONTEXT lines.
std::string first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

std::string seconds(Clock::duration d) {
    auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

Traffic::Traffic(std::string conninfo, TrafficSql sql)
    : m_conninfo(std::move(conninfo) + " application_name=" + k_traffic_application), m_sql(std::move(sql)) {}

Traffic::~Traffic() { stop(); }

void Traffic::start() {
    std::lock_guard lock(m_mutex);
    if (m_started) return;
    m_started = true;
    m_threads.emplace_back([this] { work(Role::writer); });
    m_threads.emplace_back([this] { work(Role::reader); });
}

void Traffic::set_sql(TrafficSql sql) {
    std::lock_guard lock(m_mutex);
    m_sql = std::move(sql);
}

void Traffic::set_phase(Phase phase) {
    std::lock_guard lock(m_mutex);
    m_phase = std::move(phase);
}

Phase Traffic::phase() const {
    std::lock_guard lock(m_mutex);
    return m_phase;
}

void Traffic::pause() {
    std::unique_lock lock(m_mutex);
    m_paused = true;
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return m_connected == 0 || m_stopping; });
}

void Traffic::resume() {
    std::lock_guard lock(m_mutex);
    m_paused = false;
    m_changed.notify_all();
}

void Traffic::settle(int statements) {
    const long writes = m_writes.load();
    const long reads = m_reads.load();
    bool writer, reader;
    {
        std::lock_guard lock(m_mutex);
        writer = !m_sql.insert.empty() || !m_sql.update.empty();
        reader = !m_sql.select.empty();
    }
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline && ((writer && m_writes.load() < writes + statements) || (reader && m_reads.load() < reads + statements))) {
        std::this_thread::sleep_for(k_poll);
    }
}

void Traffic::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }
    for (auto& t : m_threads) {
        if (t.joinable()) t.join();
    }
    m_threads.clear();
}

std::vector<std::string> Traffic::problems() const {
    std::lock_guard lock(m_mutex);
    return m_problems;
}

std::string Traffic::summary() const {
    return "writer: " + std::to_string(m_writes.load()) + " statements (" + std::to_string(m_inserted.load()) +
           " rows inserted), reader: " + std::to_string(m_reads.load());
}

void Traffic::problem(const std::string& key, std::string text) {
    std::lock_guard lock(m_mutex);
    for (auto& [k, count] : m_problem_counts) {
        if (k != key) continue;
        if (++count == k_per_kind + 1) m_problems.push_back(key + ": more of the same left out");
        if (count > k_per_kind) return;
        m_problems.push_back(std::move(text));
        return;
    }
    m_problem_counts.emplace_back(key, 1);
    m_problems.push_back(std::move(text));
}

bool Traffic::next(Role role, long turn, Next& out) {
    std::lock_guard lock(m_mutex);
    if (role == Role::reader) {
        out.sql = m_sql.select;
    } else {
        bool insert = (turn % 2 == 0 && !m_sql.insert.empty()) || m_sql.update.empty();
        out.sql = insert ? m_sql.insert : m_sql.update;
        out.insert = insert;
    }
    return !out.sql.empty();
}

void Traffic::work(Role role) {
    const std::string who = role == Role::writer ? "writer" : "reader";
    const std::string blocks = role == Role::writer ? "writes (ROW EXCLUSIVE)" : "reads (ACCESS SHARE)";
    std::optional<trace::Connection> conn;
    std::optional<trace::Connection> probe;
    long turn = 0;
    auto disconnect = [&] {
        if (!conn) return;
        conn.reset();
        probe.reset();
        std::lock_guard lock(m_mutex);
        --m_connected;
        m_changed.notify_all();
    };
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (m_paused && conn) {
                lock.unlock();
                disconnect();
                lock.lock();
            }
            m_changed.wait(lock, [&] { return m_stopping || !m_paused; });
            if (m_stopping) break;
            if (!conn) ++m_connected;  // counted before it connects: pause() waits for it
        }
        if (!conn) {
            auto c = trace::Connection::open(m_conninfo);
            auto p = trace::Connection::open(m_conninfo);
            if (!c || !p) {
                problem("connect " + who, who + " cannot connect: " + (c ? p.error().message : c.error().message));
                {
                    std::lock_guard lock(m_mutex);
                    --m_connected;
                    m_changed.notify_all();
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                continue;
            }
            conn.emplace(std::move(*c));
            probe.emplace(std::move(*p));
        }
        Next s;
        if (!next(role, turn++, s)) {
            std::this_thread::sleep_for(k_pace);
            continue;
        }
        replace_all(s.sql, "{n}", std::to_string(++m_counter));
        const int pid = conn->backend_pid();
        const auto started = Clock::now();
        Clock::duration unexcused{};
        std::string held_in;
        if (auto sent = conn->send(s.sql); !sent) {
            problem("error " + who, who + " cannot send " + one_line(s.sql) + ": " + sent.error().message);
            disconnect();
            continue;
        }
        auto last_probe = started;
        while (conn->busy()) {
            std::this_thread::sleep_for(k_poll);
            auto now = Clock::now();
            if (now - started > k_give_up) {
                (void)conn->cancel();
                problem("stuck " + who, who + " still waiting after " + seconds(now - started) + ", cancelled, during " +
                                            phase().label + ": " + one_line(s.sql));
                break;
            }
            if (now - last_probe < k_probe_every) continue;
            auto blocked = probe->query(k_blocked_sql, {std::to_string(pid)});
            if (blocked && blocked->rows() == 1 && blocked->value(0, 0) == "t") {
                Phase now_phase = phase();
                bool may = role == Role::writer ? now_phase.writer_may_wait : now_phase.reader_may_wait;
                if (!may) {
                    unexcused += now - last_probe;
                    held_in = now_phase.label;
                }
            }
            last_probe = now;
        }
        auto result = conn->finish();
        (role == Role::writer ? m_writes : m_reads)++;
        if (!result) {
            problem("error " + who, who + " failed during " + phase().label + ": " + one_line(s.sql) + ": " +
                                        first_line(result.error().message));
        } else if (s.insert && result->command_status().starts_with("INSERT ")) {
            std::string status = result->command_status();  // "INSERT 0 <rows>"
            m_inserted += std::atol(status.c_str() + status.rfind(' ') + 1);
        }
        if (unexcused > k_short_wait) {
            problem("wait " + who, who + " waited " + seconds(unexcused) + " for the recipe during " + held_in +
                                       ", whose predicted locks do not block " + blocks + ": " + one_line(s.sql));
        }
        std::this_thread::sleep_for(k_pace);
    }
    disconnect();
}

}  // namespace pgfence::tests::recipes
