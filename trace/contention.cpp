#include "trace/contention.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace pgfence::trace {
namespace {

constexpr const char* k_locks_sql =
    "SELECT pid, locktype, coalesce(database::int8, 0), coalesce(relation::int8, 0), mode, granted, "
    "concat_ws('/', locktype, database, relation, page, tuple, virtualxid, transactionid, classid, objid, objsubid) "
    "FROM pg_locks WHERE pid = ANY ($1::int[])";

unsigned to_unsigned(const std::string& text) { return static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 10)); }

std::string lock_sql(const std::string& name, LockMode mode) {
    // ONLY: a partitioned table's partitions are held by sessions of their own.
    return "BEGIN; LOCK TABLE ONLY " + name + " IN " + std::string(analyze::lock_mode_name(mode)) + " MODE";
}

int conflict_count(LockMode mode) {
    int n = 0;
    for (int m = 1; m <= 8; ++m) n += analyze::conflicts(mode, static_cast<LockMode>(m)) ? 1 : 0;
    return n;
}

std::vector<LockMode> granted_modes(int pid, unsigned relation, const std::vector<LockRow>& rows) {
    std::vector<LockMode> out;
    for (const auto& r : rows) {
        if (r.pid == pid && r.locktype == "relation" && r.relation == relation && r.granted) out.push_back(r.mode);
    }
    return out;
}

bool has_row(int pid, unsigned relation, bool granted, const std::vector<LockRow>& rows) {
    return std::any_of(rows.begin(), rows.end(), [&](const LockRow& r) {
        return r.pid == pid && r.locktype == "relation" && r.relation == relation && r.granted == granted;
    });
}

}  // namespace

Result<std::vector<LockRow>> read_locks(Connection& observer, const std::vector<int>& pids) {
    std::string list = "{";
    for (std::size_t i = 0; i < pids.size(); ++i) list += (i ? "," : "") + std::to_string(pids[i]);
    list += "}";
    auto rows = observer.query(k_locks_sql, {list});
    if (!rows) return rows.error();
    std::vector<LockRow> out;
    for (int r = 0; r < rows->rows(); ++r) {
        auto mode = analyze::parse_lock_mode(rows->value(r, 4));
        if (!mode) continue;
        out.push_back(LockRow{std::atoi(rows->value(r, 0).c_str()), rows->value(r, 1), to_unsigned(rows->value(r, 2)),
                              to_unsigned(rows->value(r, 3)), *mode, rows->value(r, 5) == "t", rows->value(r, 6)});
    }
    return out;
}

std::optional<LockMode> strongest_compatible(const std::vector<LockMode>& held) {
    std::optional<LockMode> best;
    for (int m = 8; m >= 1; --m) {
        auto mode = static_cast<LockMode>(m);
        bool fits = std::none_of(held.begin(), held.end(), [&](LockMode h) { return analyze::conflicts(mode, h); });
        if (fits && (!best || conflict_count(mode) > conflict_count(*best))) best = mode;
    }
    return best;
}

Result<std::unique_ptr<Contender>> Contender::start(const std::string& conninfo, Connection& observer,
                                                    const Contention& contention, const std::string& pin_conninfo) {
    std::unique_ptr<Contender> c(new Contender(conninfo, pin_conninfo.empty() ? conninfo : pin_conninfo));
    auto resolve = [&](const std::string& name) -> Result<unsigned> {
        auto r = observer.query("SELECT $1::regclass::oid::int8", {name});
        if (!r) return Error{"contention: " + r.error().message, "", std::nullopt};
        return to_unsigned(r->value(0, 0));
    };
    for (const auto& name : contention.squats) {
        auto s = c->idle_session();
        if (!s) return s.error();
        if (Status made = (*s)->conn.execute("BEGIN; CREATE TABLE " + name + " ()"); !made) {
            return Error{"contention: " + made.error().message, "", std::nullopt};
        }
        (*s)->role = Role::Squat;
    }
    for (const auto& name : contention.pins) {
        auto oid = resolve(name);
        if (!oid) return oid.error();
        for (bool attribute : {false, true}) {
            if (Status s = c->pin(*oid, attribute); !s) return s.error();
        }
    }
    for (const auto& name : contention.tables) {
        auto oid = resolve(name);
        if (!oid) return oid.error();
        c->m_names[*oid] = name;
        if (Status s = c->hold(*oid, LockMode::AccessExclusive); !s) return s.error();
    }
    // Everything is in place before the statement starts.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (auto& s : c->m_sessions) {
        if (s->in_flight) {
            while (s->conn.busy()) {
                if (std::chrono::steady_clock::now() > deadline) {
                    return Error{"contention: a session could not take its initial lock", "", std::nullopt};
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            auto r = s->conn.finish();
            s->in_flight = false;
            if (!r && s->role == Role::Pin) {
                // A plain role may not lock catalog rows (the trace runs the repository's SQL as
                // one): the statement runs unpinned, and an instant lock it takes may go unseen.
                c->end(*s);
                continue;
            }
            if (!r) return Error{"contention: " + r.error().message, "", std::nullopt};
        }
    }
    return c;
}

Contender::~Contender() { release_all(); }

std::vector<int> Contender::pids() const {
    std::vector<int> out;
    for (const auto& s : m_sessions) out.push_back(s->pid);
    return out;
}

Result<Contender::Session*> Contender::idle_session(bool pins) {
    for (auto& s : m_sessions) {
        if (s->role == Role::Idle && !s->in_flight && s->pins == pins) return s.get();
    }
    auto conn = Connection::open(pins ? m_pin_conninfo : m_conninfo);
    if (!conn) return conn.error();
    auto session = std::make_unique<Session>(Session{std::move(*conn), 0, Role::Idle, 0, false, pins});
    session->pid = session->conn.backend_pid();
    m_sessions.push_back(std::move(session));
    return m_sessions.back().get();
}

Status Contender::begin(Session& s, Role role, unsigned relation, const std::string& sql) {
    if (Status sent = s.conn.send(sql); !sent) return sent;
    s.role = role;
    s.relation = relation;
    s.in_flight = true;
    return Done{};
}

void Contender::end(Session& s) {
    if (s.in_flight) {
        if (s.conn.busy()) (void)s.conn.cancel();
        (void)s.conn.finish();  // the cancelled or finished command; its outcome no longer matters
        s.in_flight = false;
    }
    (void)s.conn.execute("ROLLBACK");
    for (auto* map : {&m_holder, &m_successor}) {
        for (auto it = map->begin(); it != map->end();) it = it->second == &s ? map->erase(it) : std::next(it);
    }
    s.role = Role::Idle;
    s.relation = 0;
    s.attribute = false;
}

Status Contender::hold(unsigned relation, LockMode mode) {
    auto s = idle_session();
    if (!s) return s.error();
    if (Status b = begin(**s, Role::Holder, relation, lock_sql(m_names[relation], mode)); !b) return b;
    m_holder[relation] = *s;
    return Done{};
}

Status Contender::pin(unsigned relation, bool attribute, Session** made) {
    auto s = idle_session(true);
    if (!s) return s.error();
    if (made != nullptr) *made = *s;
    (*s)->attribute = attribute;
    // Every name qualified: on the superuser's session nothing the repository's SQL created
    // (an operator in public) may be chosen.
    const std::string oid = std::to_string(relation) + "::pg_catalog.oid";
    return begin(**s, Role::Pin, relation,
                 attribute ? "BEGIN; SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid OPERATOR(pg_catalog.=) " + oid +
                                 " AND attnum OPERATOR(pg_catalog.=) 1::pg_catalog.int2 FOR KEY SHARE"
                           : "BEGIN; SELECT 1 FROM pg_catalog.pg_class WHERE oid OPERATOR(pg_catalog.=) " + oid +
                                 " FOR KEY SHARE");
}

Status Contender::react(int statement_pid, const std::vector<LockRow>& rows) {
    for (auto& s : m_sessions) {
        if (s->in_flight && !s->conn.busy()) {
            (void)s->conn.finish();  // a granted LOCK, a pin, or an error: pg_locks says which
            s->in_flight = false;
        }
    }
    for (const auto& row : rows) {
        if (row.pid != statement_pid || row.granted) continue;
        Status s = row.locktype == "relation" ? on_relation_wait(statement_pid, row, rows)
                                              : on_other_wait(statement_pid, row, rows);
        if (!s) return s;
    }
    return Done{};
}

Status Contender::on_relation_wait(int statement_pid, const LockRow& wait, const std::vector<LockRow>& rows) {
    auto h = m_holder.find(wait.relation);
    if (h == m_holder.end()) return Done{};
    Session* holder = h->second;
    if (!has_row(holder->pid, wait.relation, true, rows)) {
        // Our session is itself still queued: it would only stall the statement.
        end(*holder);
        return Done{};
    }
    if (auto q = m_successor.find(wait.relation); q != m_successor.end()) {
        Session* next = q->second;
        if (!has_row(next->pid, wait.relation, false, rows)) return Done{};  // not queued yet
        m_successor.erase(q);
        end(*holder);  // the statement gets its lock, then `next` gets its own
        next->role = Role::Holder;
        m_holder[wait.relation] = next;
        return Done{};
    }
    auto held = granted_modes(statement_pid, wait.relation, rows);
    held.push_back(wait.mode);
    auto mode = strongest_compatible(held);
    if (!mode) {
        end(*holder);
        return Done{};
    }
    auto s = idle_session();
    if (!s) return s.error();
    if (Status b = begin(**s, Role::Successor, wait.relation, lock_sql(m_names[wait.relation], *mode)); !b) return b;
    m_successor[wait.relation] = *s;
    return Done{};
}

Status Contender::on_other_wait(int statement_pid, const LockRow& wait, const std::vector<LockRow>& rows) {
    // Waiting for a transaction or virtual transaction of ours (WaitForLockers, a row
    // lock on a catalog row, a unique-index check): end that session and put back what it
    // stood for, so the next step waits again. (New sessions may be opened meanwhile.)
    std::vector<Session*> current;
    for (auto& s : m_sessions) current.push_back(s.get());
    for (Session* s : current) {
        bool holds = std::any_of(rows.begin(), rows.end(), [&](const LockRow& r) {
            return r.pid == s->pid && r.granted && r.tag == wait.tag;
        });
        if (!holds || s->role == Role::Idle) continue;
        Role role = s->role;
        unsigned relation = s->relation;
        bool attribute = s->attribute;
        if (role == Role::Pin && wait.locktype == "virtualxid") {
            // A wait for old snapshots: the new pin (a newer transaction, which that wait
            // does not include) is in place before the old one lets the statement go.
            // Otherwise the statement can pass the next pinned step (the swap of REINDEX
            // CONCURRENTLY, which holds ACCESS EXCLUSIVE for an instant) before the new pin
            // arrives, and the brief lock is missed. A wait for the pin's row lock cannot be
            // handled so: the new pin would hold the row too, and the statement wait forever.
            Session* made = nullptr;
            if (Status p = pin(relation, attribute, &made); !p) return p;
            if (Status p = settle(*made); !p) return p;
            end(*s);
            continue;
        }
        end(*s);
        if (role == Role::Holder) {
            auto mode = strongest_compatible(granted_modes(statement_pid, relation, rows));
            if (mode) {
                if (Status h = hold(relation, *mode); !h) return h;
            }
        } else if (role == Role::Pin) {
            if (Status p = pin(relation, attribute); !p) return p;
        }
    }
    return Done{};
}

Status Contender::settle(Session& s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (s.in_flight && s.conn.busy()) {
        if (std::chrono::steady_clock::now() > deadline) return Error{"contention: a pin was not granted", "", std::nullopt};
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (s.in_flight) {
        auto r = s.conn.finish();
        s.in_flight = false;
        if (!r && s.role == Role::Pin) {
            end(s);  // not allowed to pin (a plain role): unpinned, as at the start
            return Done{};
        }
        if (!r) return Error{"contention: " + r.error().message, "", std::nullopt};
    }
    return Done{};
}

void Contender::release_all() {
    for (auto& s : m_sessions) {
        if (s->role != Role::Idle || s->in_flight) end(*s);
    }
}

}  // namespace pgfence::trace
