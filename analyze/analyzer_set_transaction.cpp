// Tools that run every pending migration of a set in one transaction (red team R68 B11): the locks
// one file takes stay held through the files after it, in tool order, until the last one commits.
// The statements that took them are lent to the next file's rules (work-under-held-lock,
// concurrently-in-transaction, lock-upgrade-in-transaction ...) as if they began it, noted with
// their file, and taken back with any finding on them.
#include "analyze/analyzer_parts.hpp"
#include "analyze/rules/transaction_work.hpp"

namespace pgfence::analyze {

namespace analyzer_detail {

namespace {
// So many statements carried at most: a set of generated files must not grow every file's rules.
constexpr std::size_t k_most_held = 256;

// The held statements by id: the catalog carries the id (Catalog::relexed under k_held_key), so
// that a copy of the catalog made for a plan's check shares them, and the next file finds them.
struct Registry {
    std::mutex mutex;
    std::unordered_map<std::string, HeldStatements> by_id;
    std::uint64_t next = 0;
};
Registry& registry() {
    static Registry r;
    return r;
}

void set_held(Catalog& catalog, const std::string& who, std::shared_ptr<const std::vector<StatementFacts>> held) {
    std::map<std::string, std::string> relexed = catalog.relexed();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    if (auto old = relexed.find(std::string(k_held_key)); old != relexed.end()) {
        r.by_id.erase(old->second);
        relexed.erase(old);
    }
    if (!who.empty() && held != nullptr && !held->empty()) {
        const std::string id = std::to_string(++r.next);
        r.by_id.insert_or_assign(id, HeldStatements{who, std::move(held)});
        relexed.insert_or_assign(std::string(k_held_key), id);
    }
    catalog.set_relexed(std::move(relexed));
}

bool ends_or_opens(const StatementFacts& s) {
    return s.tag == "COMMIT" || s.tag == "ROLLBACK" || s.tag == "END" || s.tag == "BEGIN" || s.tag == "START TRANSACTION" ||
           s.tag == "COMMIT PREPARED" || s.tag == "PREPARE TRANSACTION" || s.transaction == Transaction::Explicit;
}
// COMMIT, END, ROLLBACK or ABORT (not ROLLBACK TO a savepoint, nor of a prepared transaction): the
// statement's tag is TRANSACTION for each, so its first words tell.
bool ends_transaction(const StatementFacts& s) {
    if (s.kind != "TransactionStmt") return false;
    std::string words;
    for (char c : s.sql.substr(0, 40)) words += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::size_t start = words.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return false;
    words = words.substr(start);
    if (words.find("PREPARED") != std::string::npos || words.starts_with("ROLLBACK TO") || words.starts_with("ROLLBACK\tTO")) return false;
    return words.starts_with("COMMIT") || words.starts_with("END") || words.starts_with("ROLLBACK") || words.starts_with("ABORT");
}
}  // namespace

HeldStatements held_of(const Catalog& catalog) {
    auto at = catalog.relexed().find(std::string(k_held_key));
    if (at == catalog.relexed().end()) return {};
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto found = r.by_id.find(at->second);
    return found == r.by_id.end() ? HeldStatements{} : found->second;
}

std::string set_ended_by(const Catalog& catalog) {
    auto at = catalog.relexed().find(std::string(k_set_ended_key));
    return at == catalog.relexed().end() ? std::string() : at->second;
}

std::string set_transaction_of(MigrationTool tool, std::string_view source_kind, const AnalyzeOptions& options) {
    // Only where the project's settings were read for it: `pr` reads them (marker_tools and the
    // one-transaction settings come from the same scan, bot/tool_settings_review.hpp); `analyze`
    // still reads each file apart.
    if (options.marker_tools == nullptr) return {};
    // salsita/node-pg-migrate src/runner.ts: `else if (options.singleTransaction) { await
    // db.query('BEGIN'); await runMigrations(toRun, 'apply', ...); await db.query('COMMIT') }`,
    // singleTransaction on unless --no-single-transaction (src/cli/options.ts).
    if (tool == MigrationTool::NodePgMigrate && options.npm_single_transaction) return "node-pg-migrate's single transaction";
    // Flyway's group=true: "Whether to group all pending migrations together in the same transaction".
    if (tool == MigrationTool::Flyway && options.flyway_group) return "Flyway's group=true";
    // drizzle-orm's pg migrator (pg-core/dialect.ts migrate): one session.transaction for all.
    if (tool == MigrationTool::Drizzle) return "drizzle's migrator";
    // typeorm MigrationExecutor: `transaction: "all" | "none" | "each" = "all"`.
    if (source_kind == "typeorm" && options.typeorm_transaction_all) return "TypeORM's migrationsTransactionMode \"all\"";
    return {};
}

std::size_t lend_held(FileReport& report, std::vector<const pg::Node*>& stmts, std::vector<rules::CalledStatement>& called,
                      const HeldStatements& held_before, const std::string& who, const std::shared_ptr<void>& arena) {
    if (who.empty() || held_before.first != who || held_before.second == nullptr || held_before.second->empty()) return 0;
    // Only into a file that starts inside the set's transaction.
    if (report.statements.empty() || report.statements.front().transaction == Transaction::None) return 0;
    const auto& held = *held_before.second;
    const std::size_t n = held.size();
    std::vector<StatementFacts> lent(held.begin(), held.end());
    std::vector<const pg::Node*> trees;
    for (auto& s : lent) {
        s.transaction = report.statements.front().transaction;
        ParsedStatement parsed = parse_statement(s.sql, arena);
        trees.push_back(parsed.failure ? nullptr : parsed.stmt);
    }
    for (auto& s : report.statements) s.index += static_cast<int>(n);
    for (auto& c : called) {
        c.caller += static_cast<int>(n);
        c.facts.index += static_cast<int>(n);
    }
    for (std::size_t i = 0; i < n; ++i) lent[i].index = static_cast<int>(i);
    // Said where it matters, once: the file runs inside the set's transaction, after locks are held.
    report.deployment_transaction = who;
    report.statements.front().notes.insert(report.statements.front().notes.begin(),
                                           who + ": this file runs in one transaction with the set's other pending files, in the "
                                                 "tool's order: the locks the files before it took are held through it, and its own "
                                                 "until the last file commits");
    report.statements.insert(report.statements.begin(), std::make_move_iterator(lent.begin()), std::make_move_iterator(lent.end()));
    stmts.insert(stmts.begin(), trees.begin(), trees.end());
    return n;
}

void take_back_held(FileReport& report, std::vector<const pg::Node*>& stmts, std::vector<rules::CalledStatement>& called,
                    std::size_t lent) {
    if (lent == 0) return;
    const int n = static_cast<int>(lent);
    report.statements.erase(report.statements.begin(), report.statements.begin() + n);
    stmts.erase(stmts.begin(), stmts.begin() + n);
    for (auto& s : report.statements) s.index -= n;
    for (auto& c : called) {
        c.caller -= n;
        c.facts.index -= n;
    }
    for (auto* findings : {&report.findings, &report.suppressed}) {
        std::erase_if(*findings, [&](const Finding& f) { return f.statement >= 0 && f.statement < n; });
        for (auto& f : *findings) {
            if (f.statement >= 0) f.statement -= n;
        }
    }
}

void hand_on_held(const FileReport& report, const std::vector<bool>& down_part, Catalog& catalog, const std::string& who,
                  const std::string& path) {
    if (who.empty()) {
        set_held(catalog, {}, nullptr);
        return;
    }
    // A drizzle file's own COMMIT or ROLLBACK ends the set's transaction for the files after it
    // (rules/commit-in-migrator-transaction.cpp); the first one is kept.
    if (report.tool == MigrationTool::Drizzle && set_ended_by(catalog).empty()) {
        for (std::size_t i = 0; i < report.statements.size(); ++i) {
            const StatementFacts& s = report.statements[i];
            if ((i < down_part.size() && down_part[i]) || !ends_transaction(s)) continue;
            std::map<std::string, std::string> relexed = catalog.relexed();
            relexed.insert_or_assign(std::string(k_set_ended_key), path + " line " + std::to_string(s.span.start.line));
            catalog.set_relexed(std::move(relexed));
            break;
        }
    }
    std::vector<StatementFacts> held;
    if (const HeldStatements before = held_of(catalog); before.first == who && before.second != nullptr) held = *before.second;
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        const StatementFacts& s = report.statements[i];
        if (i < down_part.size() && down_part[i]) continue;
        if (ends_or_opens(s)) {
            // The file's own transaction control: what the tool's transaction holds after it is
            // not modelled across files (the file's own rules read it).
            held.clear();
            continue;
        }
        if (s.transaction == Transaction::None || s.locks.empty() || s.status != StatementStatus::Analyzed) continue;
        if (held.size() >= k_most_held) break;
        StatementFacts kept = s;
        kept.notes.clear();
        kept.notes.push_back(std::string(rules::k_held_from) + path);
        held.push_back(std::move(kept));
    }
    set_held(catalog, who, std::make_shared<const std::vector<StatementFacts>>(std::move(held)));
}

}  // namespace analyzer_detail

}  // namespace pgfence::analyze
