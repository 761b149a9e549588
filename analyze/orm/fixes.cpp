#include "analyze/orm/fixes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "analyze/orm/script_tools.hpp"

namespace pgfence::analyze::orm {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// What the fixes look up in a script, built once for its findings (many statements and many
// findings cost linear time): the call at each statement's first and last line, and how many
// calls up() and down() make.
struct ScriptIndex {
    std::unordered_map<int, const ScriptCall*> starts, stops;
    std::array<int, 2> calls{};  // distinct calls of up(), of down()

    explicit ScriptIndex(const FileReport& report) {
        std::array<std::unordered_set<int>, 2> seen;
        for (std::size_t i = 0; i < report.statements.size() && i < report.script_calls.size(); ++i) {
            const ScriptCall& c = report.script_calls[i];
            starts.emplace(report.statements[i].span.start.line, &c);
            stops.emplace(report.statements[i].span.stop.line, &c);
            seen[c.down ? 1 : 0].insert(c.index);
        }
        calls = {static_cast<int>(seen[0].size()), static_cast<int>(seen[1].size())};
    }
    // The call of the statement starting on `line`, else of one ending there; null: none.
    [[nodiscard]] const ScriptCall* at_line(int line) const {
        if (auto it = starts.find(line); it != starts.end()) return it->second;
        if (auto it = stops.find(line); it != stops.end()) return it->second;
        return nullptr;
    }
};

// Where a script's finding is: its tool, the statement and the call that sends it.
struct Site {
    const ScriptTool& tool;
    const FileReport& report;
    const ScriptIndex& index;
    const StatementFacts* statement = nullptr;  // null: a finding about the file
    const ScriptCall* call = nullptr;
    bool offered = false;  // the table offers code for this tool (a case proves it)

    // The call that sends SQL on the receiver the script uses ("qr.query"), else the usual one.
    [[nodiscard]] std::string raw() const {
        std::string_view receiver;
        if (call != nullptr) {
            std::string_view name = call->name;
            receiver = name.substr(0, name.find('.'));
            bool identifier = !receiver.empty() && receiver.size() < name.size() && receiver != "this" &&
                              std::all_of(receiver.begin(), receiver.end(), [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
                              });
            if (!identifier) receiver = {};
        }
        return raw_call(tool, receiver);
    }
    // The builder method of the call ("addIndex"), "" for a raw query.
    [[nodiscard]] std::string_view method() const {
        if (call == nullptr || call->raw) return {};
        std::string_view name = call->name;
        return name.substr(name.rfind('.') + 1);
    }
    // Where a builder's statement comes from, for "in place of the statement ... sends":
    // "changeColumn()" (which may send others too); Knex's is alterTable's callback.
    [[nodiscard]] std::string builder() const {
        if (tool.kind == "knex") return "the schema builder";
        return std::string(method()) + "()";
    }
    // Runs in the tool's own transaction (not the script's BEGIN, not outside any).
    [[nodiscard]] bool in_tool_transaction() const {
        return statement != nullptr && statement->transaction == Transaction::Implicit;
    }
    // The statement's call is the only one of its function (up or down): the migration can
    // change as a whole, with no other call to move out of it.
    [[nodiscard]] bool only_call() const { return call != nullptr && index.calls[call->down ? 1 : 0] == 1; }
};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

// ---- what every script's fix gets ----

// "line N" of a statement -> "the call at line M": a SQL fix names the line a statement starts
// on, which in a script is inside its call (a multi-line call's SQL starts below the call), and
// code goes before or after the call. Lines that are no statement's stay.
// `calls`, when given, gets the index of each call named.
std::string call_lines(std::string_view fix, const ScriptIndex& index, std::vector<int>* calls = nullptr) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t hit = fix.find("line "); hit != npos; hit = fix.find("line ", hit + 5)) {
        std::size_t digits = hit + 5, end = digits;
        while (end < fix.size() && std::isdigit(static_cast<unsigned char>(fix[end]))) ++end;
        if (end == digits || end - digits > 9 || (hit > 0 && std::isalnum(static_cast<unsigned char>(fix[hit - 1])))) continue;
        // Already a call's line (split's wording, read again): "the call at the call at line 4".
        if (fix.substr(0, hit).ends_with("the call at ")) continue;
        const ScriptCall* call = index.at_line(std::stoi(std::string(fix.substr(digits, end - digits))));
        if (call == nullptr) continue;
        if (calls != nullptr) calls->push_back(call->index);
        out.append(fix.substr(at, hit - at));
        out += "the call at line " + std::to_string(call->line);
        at = end;
    }
    out.append(fix.substr(at));
    return out;
}

// A suppression comment in a script is a `//` comment (suppression_text reads it as `--`).
std::string script_comments(std::string_view fix) {
    return replace_all(std::string(fix), "`-- pgfence-", "`// pgfence-");
}

// ---- the code a fix names ----

// A SQL statement in a code span (`SET lock_timeout = '2s';`): upper-case first word, `;` last.
bool sql_statement(std::string_view span) {
    if (span.size() < 4 || span.back() != ';' || !std::isupper(static_cast<unsigned char>(span[0]))) return false;
    std::size_t word = 0;
    while (word < span.size() && std::isupper(static_cast<unsigned char>(span[word]))) ++word;
    return word >= 3 && (word == span.size() || span[word] == ' ' || span[word] == ';');
}

// Each code span of `fix` holding a SQL statement, without its `;`, replaced by `as(sql)`.
template <class As>
std::string replace_sql_spans(std::string_view fix, As as) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t open = fix.find('`'); open != npos;) {
        std::size_t close = fix.find('`', open + 1);
        if (close == npos) break;
        std::string_view span = fix.substr(open + 1, close - open - 1);
        if (sql_statement(span)) {
            out.append(fix.substr(at, open - at));
            out += as(span.substr(0, span.size() - 1));
            at = close + 1;
        }
        open = fix.find('`', close + 1);
    }
    out.append(fix.substr(at));
    return out;
}

// `SQL;` -> `await queryRunner.query("SQL")`: the statement as the script's tool runs it.
std::string calls_for_sql(std::string_view fix, const Site& site) {
    // In a Sequelize managed transaction (sequelize.transaction(async (transaction) => ...)), a
    // query that does not pass the transaction runs on another connection: the SET would not
    // reach the migration's session.
    const std::string& name = site.report.script_transaction;
    const bool sequelize = site.tool.kind == "sequelize";
    const std::string pass = !sequelize || name.empty() || name == "?" || !site.in_tool_transaction() ? ""
                             : name == "transaction" ? ", { transaction }"
                                                     : ", { transaction: " + name + " }";
    const std::string after = sequelize && name == "?" ? " (with the transaction the script makes in its options, as its calls pass it)" : "";
    return replace_sql_spans(fix, [&](std::string_view sql) {
        return "`await " + site.raw() + "(" + js_string(sql) + pass + ")`" + after;
    });
}

// The same statement in words, where no case proves the call: a statement to run, not text to
// paste.
std::string sql_in_words(std::string_view fix) {
    return replace_sql_spans(fix, [](std::string_view sql) { return "a query running " + std::string(sql); });
}

// How the call leaves the transaction it runs in, as a clause ("" when it runs in none); `cannot`:
// the tool runs it in a transaction no migration can leave (db-migrate), which the caller says.
// `what`: the call, or the raw query that takes a builder call's place.
std::string leave_transaction(const Site& site, bool& cannot, std::string_view what = "the call") {
    cannot = false;
    if (site.statement == nullptr || site.statement->transaction == Transaction::None) return {};
    const std::string it(what);
    if (site.statement->transaction == Transaction::Explicit) return "move " + it + " out of the BEGIN ... COMMIT that the script sends";
    if (site.tool.kind == "typeorm") {
        const std::string property = "`" + std::string(k_typeorm_no_transaction) + "`";
        return (site.only_call() ? "give the migration class " + property : "move " + it + " into a new migration class with " + property) +
               " (TypeORM honours it under migrationsTransactionMode \"each\" or \"none\"; under the default, \"all\", the run fails)";
    }
    if (site.tool.kind == "knex") {
        const std::string config = "`" + knex_no_transaction(site.report.script_module) + "`";
        return site.only_call() ? "add " + config + " to the migration" : "move " + it + " into a new migration with " + config;
    }
    cannot = true;
    return {};
}

// The clause for a new migration that must commit apart from this one: the tools that run
// every pending migration in one transaction by default say how not to.
// `named`: the clause follows the words naming the new migration; else it ends the fix.
std::string commits_apart(const Site& site, bool named = true) {
    if (!site.in_tool_transaction()) return {};
    if (site.tool.kind == "typeorm") {
        return " (with migrationsTransactionMode \"each\": the default, \"all\", runs every pending migration in one transaction)";
    }
    if (site.tool.kind == "knex") {
        const std::string config = "`" + knex_no_transaction(site.report.script_module) + "`";
        const std::string why = "knex migrate:latest runs every pending migration in one transaction unless one of them opts out";
        return named ? " with " + config + " (" + why + ")" : " (each new migration with " + config + ": " + why + ")";
    }
    return {};
}

// ---- the table's builders: each takes the rule's fix for SQL files and says it for the tool ----

// The options a builder call has for a CONCURRENTLY statement (the tool's query generator
// writes the keyword for it: TypeORM PostgresQueryRunner.createIndexSql, Sequelize's
// addIndexQuery and removeIndexQuery).
struct CallOption {
    std::string_view tool, method, statement, phrase;
};
constexpr std::array<CallOption, 3> k_concurrent_options{{
    {"typeorm", "createIndex", "CREATE INDEX", "give its TableIndex `isConcurrent: true`"},
    {"sequelize", "addIndex", "CREATE INDEX", "pass `concurrently: true` in addIndex's options"},
    {"sequelize", "removeIndex", "DROP INDEX", "pass `concurrently: true` in removeIndex's options"},
}};

// "... then use DROP INDEX CONCURRENTLY IF EXISTS; move this statement ..." -> the words before
// "use " and the statement's form ("DROP INDEX CONCURRENTLY IF EXISTS"); empty when none.
std::pair<std::string, std::string> use_form(std::string_view fix) {
    std::size_t at = fix.find("use ");
    while (at != npos && at > 0 && fix[at - 1] != ' ') at = fix.find("use ", at + 4);
    if (at == npos) return {};
    std::string_view rest = fix.substr(at + 4);
    std::size_t end = rest.size();
    for (std::string_view stop : {";", " (", " in a migration"}) end = std::min(end, rest.find(stop));
    return {std::string(fix.substr(0, at)), std::string(rest.substr(0, end))};
}

// The CONCURRENTLY rules (and concurrently-in-transaction, whose statement has it already):
// the statement's concurrent form, from the call's option, its SQL or a raw query, then the way
// out of the tool's transaction.
std::string concurrently(const Site& site, std::string_view fix) {
    auto [head, what] = use_form(fix);
    const std::string statement = what.empty() ? std::string("this statement") : what;
    bool cannot = false;
    const bool replaced = site.offered && site.call != nullptr && !site.call->raw && !what.empty() &&
                          std::none_of(k_concurrent_options.begin(), k_concurrent_options.end(), [&](const CallOption& o) {
                              return o.tool == site.tool.kind && o.method == site.method() && what.starts_with(o.statement);
                          });
    std::string leave = leave_transaction(site, cannot, replaced ? "the query" : "the call");
    if (cannot) {
        // db-migrate's pg driver opens each migration with BEGIN (startMigration) unless the
        // run has --non-transactional.
        return head + std::string(site.tool.name) + " runs every migration inside BEGIN ... COMMIT (only a run with "
               "--non-transactional does not), where " + statement + " cannot run: take the call out of the migration and "
               "run " + statement + " by hand or from a deploy job, or run every migration with --non-transactional";
    }
    std::string how = what.empty() ? std::string() : "use " + what;
    if (site.offered && !what.empty() && site.call != nullptr) {
        how.clear();
        for (const CallOption& o : k_concurrent_options) {
            if (o.tool == site.tool.kind && o.method == site.method() && what.starts_with(o.statement)) how = o.phrase;
        }
        if (how.empty()) {
            how = replaced ? "send " + what + " with `" + site.raw() + "` in place of the statement " + site.builder() + " sends"
                           : "use " + what + " in the call's SQL";
        }
    } else if (!site.offered && site.in_tool_transaction()) {
        leave = "in a migration " + std::string(site.tool.name) + " runs outside a transaction";
        return head + (how.empty() ? "run " + statement : how) + ", " + leave;
    }
    if (how.empty()) return head + leave;
    return head + how + (leave.empty() ? "" : ", and " + leave);
}

// The NOT VALID rules: NOT VALID in the call's SQL (no builder has the option: a raw query in
// its place), then the validation from a new migration that commits apart.
std::string not_valid(const Site& site, std::string_view) {
    if (!site.offered) return "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a new migration" + commits_apart(site);
    const std::string raw = "`" + site.raw() + "`";
    std::string how = site.call != nullptr && !site.call->raw
                          ? "add the constraint NOT VALID with " + raw + " in place of the statement " + site.builder() + " sends"
                          : "add NOT VALID to the constraint in the call's SQL";
    return how + ", then VALIDATE CONSTRAINT with " + raw + " in a new migration" + commits_apart(site);
}

// A statement to run before or after a call (the timeouts, a COMMIT): the call that runs it.
std::string run_statement(const Site& site, std::string_view fix) {
    return site.offered ? calls_for_sql(fix, site) : sql_in_words(fix);
}

// The transaction rules: their fix ends the migration's transaction after a line and moves the
// statement into a new one. In a script's own BEGIN ... COMMIT the SQL wording stands; in the
// tool's transaction the migration ends instead, and the new one commits apart.
std::string split(const Site& site, std::string_view fix) {
    if (!site.in_tool_transaction()) return run_statement(site, fix);
    // The lock is taken by the same call (a Knex alter() sends several statements): no call to
    // move, only the statements to send apart.
    std::vector<int> calls;
    (void)call_lines(fix, site.index, &calls);
    if (site.call != nullptr && std::find(calls.begin(), calls.end(), site.call->index) != calls.end()) {
        return "the call at line " + std::to_string(site.call->line) + " sends this statement and the one that takes the lock "
               "together: send them as separate raw queries, each in a migration of its own" + commits_apart(site, false);
    }
    std::string out(fix);
    if (out.starts_with("move `")) out = "move this call into a new migration";  // not-valid-validate-same-transaction
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> k_phrases{{
        {"commit after ", "end the migration after "},
        {"end the transaction after ", "end the migration after "},
        {"split the transaction so each migration locks one table and ends right after that statement",
         "split the migration so each one locks one table and ends right after that call"},
        {"move this statement before ", "move this call before "},
    }};
    for (const auto& [from, to] : k_phrases) out = replace_all(out, from, to);
    // "run this index build in a migration of its own", "run this in a new migration"
    if (std::size_t run = out.find("run this"); run != npos) {
        for (std::string_view end : {" in a migration of its own", " in a new migration"}) {
            if (std::size_t stop = out.find(end, run); stop != npos) {
                out.replace(run, stop + end.size() - run, "move this call into a new migration");
                break;
            }
        }
    }
    // lock-upgrade-in-transaction's other way, "take the strongest lock first (LOCK TABLE ...
    // before line N), or ...": the edited script raises lock-table at HIGH, so no case proves it.
    if (out.starts_with("take the strongest lock first (")) {
        if (std::size_t rest = out.find("), or "); rest != npos) out.erase(0, rest + 6);
    }
    // The new migration commits apart: said where the fix names it ("..., committed before any
    // migration that uses it" goes on after it), else at the end.
    std::size_t named = npos;
    for (std::string_view migration : {"a migration of its own", "a new migration"}) {
        if (std::size_t at = out.find(migration); at != npos) named = std::min(named, at + migration.size());
    }
    out.insert(named == npos ? out.size() : named, commits_apart(site, named != npos));
    return out;
}

using Build = std::string (*)(const Site&, std::string_view fix);

struct Entry {
    std::string_view rule;
    std::string_view variant;  // the rule's fix this entry rewrites contains it ("" any)
    Build build;
    std::string_view tools;    // the tools it offers code for, each proven by a case; the others get words
};

constexpr std::string_view k_all = "typeorm knex sequelize db-migrate";
// Sequelize runs no transaction of its own: its migrations meet the transaction rules only in a
// BEGIN the script sends, or a managed transaction it makes (sequelize.transaction(...)), where
// the fix's words stand.
constexpr std::string_view k_wrapping = "typeorm knex db-migrate";
constexpr std::string_view k_leaving = "typeorm knex sequelize";

constexpr std::array<Entry, 21> k_table{{
    {"create-index-without-concurrently", "use CREATE INDEX CONCURRENTLY", concurrently, k_leaving},
    {"drop-index-without-concurrently", "use DROP INDEX CONCURRENTLY", concurrently, k_leaving},
    {"reindex-without-concurrently", "use REINDEX", concurrently, k_leaving},
    {"detach-partition-without-concurrently", "use DETACH PARTITION", concurrently, k_leaving},
    {"concurrently-in-transaction", "", concurrently, "typeorm knex"},
    {"add-foreign-key-without-not-valid", "NOT VALID", not_valid, k_all},
    {"add-check-without-not-valid", "NOT VALID", not_valid, k_all},
    {"add-domain-constraint", "NOT VALID", not_valid, k_all},
    {"lock-timeout-missing", "`SET ", run_statement, k_all},
    {"statement-timeout-missing", "`SET ", run_statement, k_all},
    {"lock-timeout-too-long", "`SET ", run_statement, k_all},
    {"lock-timeout-zero", "`SET ", run_statement, k_all},
    {"statement-timeout-too-long", "`SET ", run_statement, k_all},
    {"application-name-missing", "`SET ", run_statement, k_all},
    {"idle-in-transaction-timeout-missing", "`SET ", run_statement, k_wrapping},
    {"enum-add-value-in-transaction", "", split, k_wrapping},
    {"not-valid-validate-same-transaction", "", split, k_wrapping},
    {"work-under-held-lock", "", split, k_wrapping},
    {"statement-after-access-exclusive", "", split, k_wrapping},
    {"lock-upgrade-in-transaction", "", split, k_wrapping},
    {"multiple-access-exclusive-in-transaction", "split the transaction", split, k_wrapping},
}};

bool lists(std::string_view tools, std::string_view kind) {
    for (std::size_t at = tools.find(kind); at != npos; at = tools.find(kind, at + 1)) {
        const std::size_t end = at + kind.size();
        if ((at == 0 || tools[at - 1] == ' ') && (end == tools.size() || tools[end] == ' ')) return true;
    }
    return false;
}

}  // namespace

void rewrite_fixes(std::vector<Finding>& findings, const FileReport& report) {
    const ScriptTool* tool = script_tool(report.source_kind);
    if (tool == nullptr) return;
    const ScriptIndex index(report);
    for (Finding& f : findings) {
        if (f.fix.empty()) continue;
        Site site{*tool, report, index};
        if (f.statement >= 0 && static_cast<std::size_t>(f.statement) < report.statements.size()) {
            site.statement = &report.statements[static_cast<std::size_t>(f.statement)];
            if (static_cast<std::size_t>(f.statement) < report.script_calls.size()) {
                site.call = &report.script_calls[static_cast<std::size_t>(f.statement)];
            }
        }
        const Entry* entry = nullptr;
        for (const Entry& e : k_table) {
            if (e.rule == f.rule && f.fix.find(e.variant) != npos) {
                entry = &e;
                break;
            }
        }
        if (entry != nullptr) {
            site.offered = lists(entry->tools, tool->kind);
            f.fix = entry->build(site, f.fix);
        } else {
            f.fix = sql_in_words(f.fix);  // no case proves a call for it: SQL is said, not pasted
        }
        f.fix = script_comments(call_lines(f.fix, index));
    }
}

std::vector<OfferedFix> offered_fixes() {
    std::vector<OfferedFix> out;
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const Entry& e : k_table) {
        for (std::string_view kind : {"typeorm", "knex", "sequelize", "db-migrate"}) {
            if (lists(e.tools, kind) && seen.emplace(e.rule, kind).second) out.push_back({e.rule, kind});
        }
    }
    return out;
}

}  // namespace pgfence::analyze::orm
