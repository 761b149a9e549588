#include "analyze/model/facts.hpp"

#include <cctype>
#include <cstdlib>
#include <set>

namespace pgfence::analyze {

const LockFact* StatementFacts::strongest_lock() const {
    // A relation created in this migration is invisible to other sessions until commit:
    // its lock blocks nobody, so an existing relation's lock is the one that matters.
    const LockFact* best = nullptr;
    for (const auto& lock : locks) {
        bool better = best == nullptr || (best->is_new && !lock.is_new) ||
                      (best->is_new == lock.is_new && lock.mode > best->mode);
        if (better) best = &lock;
    }
    return best;
}

bool is_utc_time_zone(std::string_view value) {
    std::string zone;
    for (char c : value) zone += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (zone.starts_with("etc/")) zone.erase(0, 4);
    // The tz database's names for the zone of offset 0 that never changes (Etc/UTC and its
    // links), which pg_get_timezone_offset reports as a fixed offset.
    static const std::set<std::string, std::less<>> k_utc = {
        "utc", "uct", "gmt", "gmt0", "gmt+0", "gmt-0", "greenwich", "universal", "zulu"};
    if (k_utc.count(zone) > 0) return true;
    // A number is an offset in hours (check_timezone): 0 is UTC.
    if (zone.empty()) return false;
    char* end = nullptr;
    double hours = std::strtod(zone.c_str(), &end);
    return end != zone.c_str() && *end == '\0' && hours == 0.0;
}

std::vector<std::string> search_path_schemas(std::string_view value) {
    // As SplitIdentifierString reads it: comma-separated, quoted names kept as written,
    // unquoted ones folded to lower case.
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && (value[i] == ' ' || value[i] == ',')) ++i;
        if (i >= value.size()) break;
        std::string name;
        if (value[i] == '"') {
            for (++i; i < value.size(); ++i) {
                if (value[i] == '"' && i + 1 < value.size() && value[i + 1] == '"') name += value[i++];
                else if (value[i] == '"') break;
                else name += value[i];
            }
            ++i;
        }
        for (; i < value.size() && value[i] != ','; ++i) {
            if (value[i] != ' ') name += static_cast<char>(std::tolower(static_cast<unsigned char>(value[i])));
        }
        out.push_back(name);
    }
    return out;
}

Blocks StatementFacts::blocks() const {
    Blocks all;
    for (const auto& lock : locks) {
        if (lock.is_new) continue;
        // DROP INDEX CONCURRENTLY takes ACCESS EXCLUSIVE on the index only once it is dead and
        // every query that could use it has finished: it queues nobody.
        if (tag == "DROP INDEX CONCURRENTLY" && lock.kind == "index") continue;
        Blocks b = blocks_of(lock.mode);
        all.reads |= b.reads;
        all.writes |= b.writes;
        all.ddl |= b.ddl;
    }
    return all;
}

std::string set_not_null_without_scan(std::string_view column, std::string_view why) {
    return "SET NOT NULL on " + std::string(column) + " checks no row: " + std::string(why);
}

bool has_set_not_null_without_scan(const StatementFacts& statement, std::string_view column) {
    std::string prefix = set_not_null_without_scan(column, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return true;
    }
    return false;
}

namespace {
constexpr std::string_view k_taken_head = "index ";
constexpr std::string_view k_taken_middle = " exists: PostgreSQL names this constraint and its index ";
}  // namespace

std::string taken_index_name_note(std::string_view wanted, std::string_view chosen) {
    return std::string(k_taken_head) + std::string(wanted) + std::string(k_taken_middle) + std::string(chosen);
}

std::optional<std::pair<std::string, std::string>> read_taken_index_name_note(std::string_view note) {
    if (!note.starts_with(k_taken_head)) return std::nullopt;
    std::size_t at = note.rfind(k_taken_middle);
    if (at == std::string_view::npos || at < k_taken_head.size()) return std::nullopt;
    return std::pair{std::string(note.substr(k_taken_head.size(), at - k_taken_head.size())),
                     std::string(note.substr(at + k_taken_middle.size()))};
}

std::string chosen_index_name(const StatementFacts& statement, const std::string& wanted) {
    for (const auto& note : statement.notes) {
        auto names = read_taken_index_name_note(note);
        if (names && names->first == wanted) return names->second;
    }
    return wanted;
}

std::string empty_table_note(std::string_view relation, std::string_view proof) {
    return std::string(relation) + " is empty here: " + std::string(proof);
}

namespace {
constexpr std::string_view k_fits = "the old release's reads and writes fit it: ";
constexpr std::string_view k_misfits = "the old release's statements do not fit it: ";
}  // namespace

std::string recreated_note(std::string_view relation, int line, bool fits, std::string_view how, std::string_view copy) {
    return std::string(relation) + " is made again at line " + std::to_string(line) +
           (copy.empty() ? std::string(", empty: ") : ", from " + std::string(copy) + ": ") + std::string(fits ? k_fits : k_misfits) +
           std::string(how);
}

std::optional<Recreated> read_recreated_note(const StatementFacts& statement, std::string_view relation) {
    const std::string prefix = std::string(relation) + " is made again at line ";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(prefix)) continue;
        Recreated out;
        std::size_t at = prefix.size();
        while (at < note.size() && note[at] >= '0' && note[at] <= '9') out.line = out.line * 10 + (note[at++] - '0');
        std::string_view rest = std::string_view(note).substr(at);
        const std::string_view empty = ", empty: ", from = ", from ";
        std::string_view tail;
        if (rest.starts_with(empty)) {
            tail = rest.substr(empty.size());
        } else if (rest.starts_with(from)) {
            // ", from <copy>: " then the fit: the copy's name ends before the fit's words.
            rest.remove_prefix(from.size());
            std::size_t end = std::min(rest.find(": " + std::string(k_fits)), rest.find(": " + std::string(k_misfits)));
            if (end == std::string_view::npos) continue;
            out.copy = std::string(rest.substr(0, end));
            tail = rest.substr(end + 2);
        } else {
            continue;
        }
        out.fits = tail.starts_with(k_fits);
        if (!out.fits && !tail.starts_with(k_misfits)) continue;
        out.how = std::string(tail.substr((out.fits ? k_fits : k_misfits).size()));
        return out;
    }
    return std::nullopt;
}

std::string deleted_all_note(std::string_view relation, int line) {
    return std::string(relation) + " was emptied by the DELETE at line " + std::to_string(line) +
           "; rows the running release inserted before this statement's lock may be there";
}

int deleted_at(const StatementFacts& statement, std::string_view relation) {
    std::string prefix = std::string(relation) + " was emptied by the DELETE at line ";
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return std::atoi(note.c_str() + prefix.size());
    }
    return 0;
}

namespace {
constexpr std::string_view k_rebuilds = ": rebuilds the indexes on ";
constexpr std::string_view k_collation = ": the collation of ";
constexpr std::string_view k_collation_changes = " changes (";
std::string_view determinism_word(std::optional<bool> deterministic) {
    return !deterministic ? "not known" : *deterministic ? "deterministic" : "nondeterministic";
}
std::optional<bool> read_determinism(std::string_view word, bool& ok) {
    ok = true;
    if (word == "deterministic") return true;
    if (word == "nondeterministic") return false;
    ok = word == "not known";
    return std::nullopt;
}
}  // namespace

std::string index_rebuild_note(std::string_view where, std::string_view column, std::string_view why,
                               std::string_view indexes) {
    return std::string(where) + std::string(k_rebuilds) + std::string(column) + " (" + std::string(why) + "): " +
           std::string(indexes);
}

std::optional<std::string> rebuilt_indexes(const StatementFacts& statement, std::string_view column) {
    std::string prefix = "ALTER COLUMN " + std::string(column) + " TYPE ";
    std::string marker = std::string(k_rebuilds) + std::string(column) + " (";
    for (const auto& note : statement.notes) {
        if (!note.starts_with(prefix)) continue;
        std::size_t at = note.find(marker);
        if (at == std::string::npos) continue;
        std::string rest = note.substr(at + marker.size());
        std::size_t close = rest.find("): ");
        if (close == std::string::npos) continue;
        return rest.substr(0, close) + ": " + rest.substr(close + 3);
    }
    return std::nullopt;
}

std::string collation_change_note(std::string_view where, std::string_view column, const CollationChange& change) {
    return std::string(where) + std::string(k_collation) + std::string(column) + std::string(k_collation_changes) +
           std::string(determinism_word(change.from_deterministic)) + " to " +
           std::string(determinism_word(change.to_deterministic)) + "): " + change.names;
}

std::optional<CollationChange> collation_change(const StatementFacts& statement, std::string_view column) {
    std::string prefix = "ALTER COLUMN " + std::string(column) + " TYPE ";
    std::string marker = std::string(k_collation) + std::string(column) + std::string(k_collation_changes);
    for (const auto& note : statement.notes) {
        if (!note.starts_with(prefix)) continue;
        std::size_t at = note.find(marker);
        if (at == std::string::npos) continue;
        std::string_view rest = std::string_view(note).substr(at + marker.size());
        std::size_t close = rest.find("): ");
        std::size_t to = rest.find(" to ");
        if (close == std::string_view::npos || to == std::string_view::npos || to > close) continue;
        bool from_ok = false, to_ok = false;
        CollationChange out;
        out.from_deterministic = read_determinism(rest.substr(0, to), from_ok);
        out.to_deterministic = read_determinism(rest.substr(to + 4, close - to - 4), to_ok);
        if (!from_ok || !to_ok) continue;
        out.names = std::string(rest.substr(close + 3));
        return out;
    }
    return std::nullopt;
}

std::string row_security_known_note(std::string_view clause, std::string_view relation, std::string_view why) {
    return std::string(clause) + " on " + std::string(relation) + ", as the migrations show it: " + std::string(why);
}

bool has_row_security_known_note(const StatementFacts& statement, std::string_view clause, std::string_view relation) {
    std::string prefix = row_security_known_note(clause, relation, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return true;
    }
    return false;
}

std::optional<std::string> row_security_known_why(const StatementFacts& statement, std::string_view clause,
                                                  std::string_view relation) {
    std::string prefix = row_security_known_note(clause, relation, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return note.substr(prefix.size());
    }
    return std::nullopt;
}

namespace {
constexpr std::string_view k_replaced_head = "the new body of ";
constexpr std::string_view k_replaced_middle = " runs in ";
constexpr std::string_view k_replaced_tail = ", as the migrations show them";
}  // namespace

std::string replaced_function_note(std::string_view function, std::string_view uses) {
    return std::string(k_replaced_head) + std::string(function) + std::string(k_replaced_middle) + std::string(uses) +
           std::string(k_replaced_tail);
}

std::optional<std::string> replaced_function_uses(const StatementFacts& statement) {
    for (const auto& note : statement.notes) {
        if (!note.starts_with(k_replaced_head) || !note.ends_with(k_replaced_tail)) continue;
        const std::size_t middle = note.find(k_replaced_middle, k_replaced_head.size());
        if (middle == std::string::npos) continue;
        const std::size_t from = middle + k_replaced_middle.size();
        return note.substr(from, note.size() - k_replaced_tail.size() - from);
    }
    return std::nullopt;
}

namespace {
constexpr std::string_view k_view_rows_kept = "the new query keeps every row the old one returned";
}  // namespace

std::string view_query_note(std::string_view view, std::string_view why) {
    return std::string(view) + "'s old query, as the migrations show it: " + std::string(why.empty() ? k_view_rows_kept : why);
}

std::optional<std::string> view_query_why(const StatementFacts& statement, std::string_view view) {
    std::string prefix = view_query_note(view, "-");
    prefix.pop_back();
    for (const auto& note : statement.notes) {
        if (!note.starts_with(prefix)) continue;
        std::string why = note.substr(prefix.size());
        return why == k_view_rows_kept ? std::string() : why;
    }
    return std::nullopt;
}

std::string trigger_function_note(std::string_view function, std::string_view why) {
    return "trigger function " + std::string(function) + "(), as the migrations show it: " + std::string(why);
}

std::optional<std::string> trigger_function_why(const StatementFacts& statement, std::string_view function) {
    std::string prefix = trigger_function_note(function, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return note.substr(prefix.size());
    }
    return std::nullopt;
}

bool has_empty_table_note(const StatementFacts& statement, std::string_view relation) {
    std::string prefix = empty_table_note(relation, "");
    for (const auto& note : statement.notes) {
        if (note.starts_with(prefix)) return true;
    }
    return false;
}

std::string_view tool_name(MigrationTool tool) {
    switch (tool) {
        case MigrationTool::Plain: return "sql";
        case MigrationTool::Goose: return "goose";
        case MigrationTool::Dbmate: return "dbmate";
        case MigrationTool::Drizzle: return "drizzle";
        case MigrationTool::Flyway: return "flyway";
        case MigrationTool::Diesel: return "diesel";
        case MigrationTool::Prisma: return "prisma";
        case MigrationTool::Sqlx: return "sqlx";
        case MigrationTool::GolangMigrate: return "golang-migrate";
        case MigrationTool::Pop: return "pop";
        case MigrationTool::NodePgMigrate: return "node-pg-migrate";
        case MigrationTool::Synapse: return "synapse";
        case MigrationTool::Popx: return "popx";
    }
    return "sql";
}

}  // namespace pgfence::analyze

namespace pgfence::analyze {

std::string_view risk_name(Risk risk) {
    switch (risk) {
        case Risk::None: return "NONE";
        case Risk::Low: return "LOW";
        case Risk::Medium: return "MEDIUM";
        case Risk::High: return "HIGH";
        case Risk::Critical: return "CRITICAL";
    }
    return "NONE";
}

std::optional<Risk> parse_risk(std::string_view text) {
    std::string upper;
    for (char c : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    for (Risk r : {Risk::None, Risk::Low, Risk::Medium, Risk::High, Risk::Critical}) {
        if (risk_name(r) == upper) return r;
    }
    return std::nullopt;
}

HistoryCounts& HistoryCounts::operator+=(const HistoryCounts& other) {
    files += other.files;
    skipped_files += other.skipped_files;
    statements += other.statements;
    skipped_statements += other.skipped_statements;
    return *this;
}

}  // namespace pgfence::analyze
