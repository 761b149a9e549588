#include "analyze/analyzer.hpp"
#include "analyze/analyzer_parts.hpp"
#include "analyze/rules/one_cause.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "analyze/parse/alter_clauses.hpp"
#include "analyze/plan/plan.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/model/function_calls.hpp"
#include "analyze/history.hpp"
#include "analyze/go_fixture_folders.hpp"
#include "analyze/parse/lexing_settings.hpp"
#include "analyze/parse/set_config.hpp"
#include "analyze/base/heap.hpp"
#include "analyze/parse/limits.hpp"
#include "analyze/model/empty_tables.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/rules/engine.hpp"
#include "analyze/migrations/flyway_report.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/folder_tool.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/temporal_manifest.hpp"
#include "analyze/parse/source_text.hpp"
#include "analyze/parse/splitter.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {

std::string file_too_large(std::uint64_t bytes, std::uint64_t max_bytes) {
    auto mb = [](std::uint64_t b) {
        std::uint64_t whole = b >> 20;
        return std::to_string(whole == 0 && b > 0 ? 1 : whole) + " MB";  // MiB, as --max-file-size takes
    };
    std::string size = bytes >> 20 == (max_bytes >> 20) ? std::to_string(bytes) + " bytes" : mb(bytes);
    return "is " + size + ", over --max-file-size (" + mb(max_bytes) + ")";
}

FileReport analyze_text(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                        std::string_view sibling_metadata) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    return analyze_text_from(path, text, options, sibling_metadata, catalog,
                             options.single_transaction ? "--single-transaction" : "");
}

FileReport analyze_text(const std::string& path, std::string_view text, const AnalyzeOptions& options,
                        std::string_view sibling_metadata, Catalog& catalog) {
    return analyze_text_from(path, text, options, sibling_metadata, catalog,
                             options.single_transaction ? "--single-transaction" : "");
}

FileReport analyze_text_at(const std::string& path, std::string_view text, const AnalyzeOptions& options) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    Beside beside = beside_facts(path, options, nullptr);
    return analyze_text_from(path, text, options, beside.metadata, catalog, beside.deployment);
}

std::string sibling_metadata(const std::string& path, const AnalyzeOptions& options) {
    return beside_facts(path, options, nullptr).metadata;
}

FileReport analyze_not_a_file(const std::string& path, NotAFile entry, const AnalyzeOptions& options) {
    FileReport report;
    report.path = path;
    report.not_a_file = std::move(entry);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes, const AnalyzeOptions& options) {
    FileReport report;
    report.path = path;
    const auto& flyway_files = tools::flyway_settings_names();
    if (std::find(flyway_files.begin(), flyway_files.end(), path_name(path)) != flyway_files.end()) report.tool = MigrationTool::Flyway;
    report.setting_changes = std::move(changes);
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_tool_settings(const std::string& path, std::vector<SettingChange> changes, const AnalyzeOptions& options,
                                 std::string_view text, const std::vector<SettingUnknown>& unknown) {
    AnalyzeOptions without_rules = options;
    without_rules.run_rules = false;
    FileReport report = analyze_tool_settings(path, std::move(changes), without_rules);
    std::set<std::pair<int, std::string_view>> seen;  // one statement per line and reason, however many readings found it
    for (const SettingUnknown& u : unknown) {
        if (!seen.emplace(u.line, u.why).second) continue;
        // The line's bytes: its first and last non-blank character.
        std::size_t begin = 0;
        for (int line = 1; line < u.line && begin != std::string_view::npos; ++line) {
            begin = text.find('\n', begin);
            if (begin != std::string_view::npos) ++begin;
        }
        if (begin == std::string_view::npos || begin > text.size()) begin = text.size();
        std::size_t end = std::min(text.find('\n', begin), text.size());
        while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
        std::size_t first = begin;
        while (first < end && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
        // A blank line (a reading that counts lines inside a string's escapes lands past its own):
        // the nearest line above with text, so the statement keeps something to show and a span.
        int line = u.line;
        while (first == end && begin > 0) {
            end = begin - 1;
            begin = text.rfind('\n', end == 0 ? 0 : end - 1);
            begin = begin == std::string_view::npos || end == 0 ? 0 : begin + 1;
            while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
            first = begin;
            while (first < end && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
            --line;
        }
        StatementFacts s;
        s.status = StatementStatus::Unknown;
        s.span.begin = first;
        s.span.end = end;
        s.span.start = Position{line, static_cast<int>(first - begin) + 1};
        s.span.stop = Position{line, static_cast<int>(end > first ? end - begin : first - begin + 1)};
        s.sql = std::string(text.substr(first, std::min<std::size_t>(end - first, 200)));
        s.tag = u.tag.empty() ? std::string("migration tool setting") : u.tag;
        s.notes.push_back("not visible to static analysis: " + u.why);
        s.unanalysable = Error{u.why, path, s.span.start};
        report.statements.push_back(std::move(s));
    }
    if (options.run_rules) {
        rules::Options rule_options = options.rules;
        rule_options.pg_version = options.pg_version;
        rules::apply_rules(report, {}, {}, rule_options);
    }
    return report;
}

FileReport analyze_file(const std::string& path, const AnalyzeOptions& options) {
    Catalog catalog = options.history ? *options.history : Catalog{};
    return analyze_file_from(path, options, catalog);
}

namespace analyzer_detail {

// SQL files, and Synapse's delta files for PostgreSQL only (*.sql.postgres).
bool is_sql_file(const fs::path& p) {
    return p.extension() == ".sql" || (p.extension() == ".postgres" && p.stem().extension() == ".sql") ||
           !golang_migrate_as_sql(p.filename().string()).empty();  // golang-migrate's 2_x.up.pgsql
}

bool is_migration_file(const fs::path& p, orm::InputFormat format) {
    if (format == orm::InputFormat::Sql) return is_sql_file(p);
    if (is_sql_file(p)) return format == orm::InputFormat::Auto;
    return orm::looks_like_migration(p.string());
}

// Prose and pictures: no migration tool runs a file of these by default. Where a tool's settings
// reach a link, its own selection decides instead (tool_dir_inputs.cpp, link_loads).
bool inert_file(const fs::path& p) {
    static const std::set<std::string, std::less<>> k_inert = {".md", ".mdx", ".markdown", ".txt", ".rst", ".adoc",
                                                              ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".pdf"};
    std::string ext = p.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k_inert.contains(ext);
}

// A link named as a stylesheet, font, page or prose whose target is named so too (grist-core's
// static/swagger-ui.css -> ../node_modules/swagger-ui-dist/swagger-ui.css): no migration tool
// runs one, and a folder it might stand for is not named so. Not kept for analyze_file, which
// would report it as a migration that is not a file.
bool asset_link(const fs::path& link) {
    static const std::set<std::string, std::less<>> k_assets = {".css", ".scss", ".sass", ".less", ".map", ".html", ".htm",
                                                               ".woff", ".woff2", ".ttf", ".otf", ".eot"};
    const auto asset = [](const fs::path& p) {
        std::string ext = p.extension().string();
        for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return inert_file(p) || k_assets.contains(ext);
    };
    std::error_code ec;
    const fs::path target = fs::read_symlink(link, ec);
    return !ec && asset(link.filename()) && !target.filename().empty() && asset(target.filename());
}

// A script link into an installed package (grist-core's static/mocha.js ->
// ../node_modules/mocha/mocha.js, served to the browser) where neither its path nor its target's
// names a migration: a file there is no migration of any tool's default folder (every one names
// "migration", orm::looks_like_migration), and a tool whose settings name its folder is handed the
// link by tool_dir_inputs.cpp (the tool's own selection). Not kept for analyze_file either.
bool package_script_link(const fs::path& link) {
    const auto names_migration = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s.find("migration") != std::string::npos;
    };
    std::error_code ec;
    const fs::path target = fs::read_symlink(link, ec);
    if (ec || !orm::is_script_path(link.filename().string()) || names_migration(link.generic_string()) ||
        names_migration(target.generic_string())) {
        return false;
    }
    return std::any_of(target.begin(), target.end(), [](const fs::path& part) { return part == "node_modules"; });
}

// Whether a walked folder link is kept for analyze_file to report. A link into a folder of this
// walk that holds only prose and pictures (daily-api's .agents/skills -> ../.claude/skills, a
// folder of Markdown) gives a tool nothing to run through it by default (a setting's folder at the
// link is judged by that tool's selection: tool_dir_inputs.cpp); a link
// to nothing, to outside the walk, into a folder the walk skips (node_modules), or to a folder with
// any other file is kept.
bool link_may_hide_migrations(const fs::path& link, const fs::path& root, const std::vector<std::string>& sorted_files) {
    std::error_code ec;
    const fs::path target = fs::canonical(link, ec);
    if (ec || root.empty()) return true;
    const fs::path inside = target.lexically_relative(root);
    if (inside.empty() || *inside.begin() == "..") return true;
    for (const auto& part : inside) {
        if (part == "node_modules") return true;
    }
    const std::string prefix = target.string() + "/";
    auto at = std::lower_bound(sorted_files.begin(), sorted_files.end(), prefix);
    return at != sorted_files.end() && at->starts_with(prefix);
}

}  // namespace analyzer_detail

bool link_loads(const std::string& link, const std::function<bool(const std::string& file)>& loads) {
    constexpr std::size_t k_most_entries = 50000;
    std::error_code ec;
    std::size_t seen = 0;
    for (auto it = fs::recursive_directory_iterator(link, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (++seen > k_most_entries) return true;
        if (it->is_directory(ec) && it->path().filename() == "node_modules") it.disable_recursion_pending();
        if (it->is_directory(ec)) continue;
        if (loads((fs::path(link) / it->path().lexically_relative(link)).lexically_normal().generic_string())) return true;
    }
    return false;
}

namespace analyzer_detail {

void walk_directory(const fs::path& dir, std::vector<std::string>& out, orm::InputFormat format) {
    std::error_code ec;
    const fs::path root = fs::canonical(dir, ec);
    std::vector<std::string> code_files;  // every file of the walk but prose and pictures, by real path
    std::vector<fs::path> folder_links;
    GoFixtureFolders go_fixtures(dir);
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_directory(ec) && it->path().filename() == "node_modules") {
            it.disable_recursion_pending();
            continue;
        }
        // A Go library's test fixtures copied in with it (go_fixture_folders.hpp).
        if (!it->is_symlink(ec) && it->is_directory(ec) && go_fixtures.leave_out(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink(ec)) {
            // Kept, for analyze_file to report: a link named like a migration, or one to a
            // folder (whose migrations the walk does not enter) or to nothing here (a folder
            // the migration tool's checkout may have).
            if (is_sql_file(it->path()) || (format != orm::InputFormat::Sql && orm::is_script_path(it->path().string()) &&
                                             !package_script_link(it->path()))) {
                out.push_back(it->path().string());
            } else if (package_script_link(it->path())) {
                continue;
            } else if (asset_link(it->path())) {
                continue;
            } else if (!it->is_regular_file(ec)) {
                folder_links.push_back(it->path());
            }
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        if (!root.empty() && !inert_file(it->path())) {
            code_files.push_back((root / it->path().lexically_relative(dir)).string());
        }
        if (is_migration_file(it->path(), format)) out.push_back(it->path().string());
    }
    std::sort(code_files.begin(), code_files.end());
    for (const auto& link : folder_links) {
        if (link_may_hide_migrations(link, root, code_files)) out.push_back(link.string());
    }
}

// Globs with "**": walk from the longest literal prefix and match the whole path.
void expand_double_star(const std::string& pattern, std::vector<std::string>& out) {
    std::size_t star = pattern.find_first_of("*?[");
    std::size_t slash = pattern.rfind('/', star);
    fs::path root = slash == std::string::npos ? fs::path(".") : fs::path(pattern.substr(0, slash));
    std::string rooted = slash == std::string::npos ? "./" + pattern : pattern;
    // "**/" may match zero directories: also try the pattern with it removed.
    std::string collapsed = rooted;
    for (std::size_t at; (at = collapsed.find("**/")) != std::string::npos;) collapsed.erase(at, 3);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (!it->is_symlink(ec) && !it->is_regular_file(ec)) continue;  // a link: analyze_file reports it
        std::string candidate = it->path().string();
        if (fnmatch(rooted.c_str(), candidate.c_str(), 0) == 0 ||
            fnmatch(collapsed.c_str(), candidate.c_str(), 0) == 0) {
            out.push_back(slash == std::string::npos && candidate.starts_with("./") ? candidate.substr(2) : candidate);
        }
    }
}

}  // namespace analyzer_detail

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs, std::vector<Error>& errors,
                                       orm::InputFormat format) {
    std::vector<std::string> out;
    for (const auto& input : inputs) {
        std::size_t before = out.size();
        std::error_code ec;
        const fs::file_status status = fs::status(input, ec);  // one stat for both questions
        if (fs::is_symlink(fs::symlink_status(input, ec)) && !input.ends_with('/')) {
            out.push_back(input);  // a link given is reported by analyze_file, never followed
            continue;
        }
        if (fs::is_directory(status)) {
            walk_directory(input, out, format);
            std::sort(out.begin() + static_cast<long>(before), out.end());
            if (out.size() == before) errors.push_back(Error{std::string(k_no_migrations_in_directory), input, std::nullopt});
            continue;
        }
        if (fs::exists(status)) {
            out.push_back(input);
            continue;
        }
        if (input.find_first_of("*?[") == std::string::npos) {
            errors.push_back(Error{"no such file or directory", input, std::nullopt});
            continue;
        }
        if (input.find("**") != std::string::npos) {
            expand_double_star(input, out);
        } else {
            glob_t g{};
            if (glob(input.c_str(), GLOB_BRACE | GLOB_TILDE, nullptr, &g) == 0) {
                for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                    if (fs::is_symlink(fs::symlink_status(g.gl_pathv[i], ec))) out.push_back(g.gl_pathv[i]);
                    else if (fs::is_directory(g.gl_pathv[i], ec)) walk_directory(g.gl_pathv[i], out, format);
                    else out.push_back(g.gl_pathv[i]);
                }
            }
            globfree(&g);
        }
        std::sort(out.begin() + static_cast<long>(before), out.end());
        if (out.size() == before) errors.push_back(Error{"pattern matched no files", input, std::nullopt});
    }
    // A file named twice is analysed once, where it first appeared.
    std::vector<std::string> unique;
    std::unordered_set<std::string_view> seen;  // views into `out`, which outlives it
    for (auto& f : out) {
        if (seen.insert(f).second) unique.push_back(f);
    }
    return unique;
}

namespace analyzer_detail {

// Files analysed ahead of the first one not yet written, per thread: enough that a large file
// at the head keeps no thread idle for long, few enough that their reports stay small. When
// chaining, one thread analyses a migration set from its first file to its last, and sets run
// side by side only when the window holds more than one: it is larger then.
constexpr std::size_t k_files_ahead_per_thread = 4;
constexpr std::size_t k_chained_files_ahead_per_thread = 64;

// A file's report; an exception escaping a worker thread would end the process
// (std::terminate): it becomes that file's error, and the other files are still reported.
FileReport analyze_one(const std::string& path, const AnalyzeOptions& options, Catalog& catalog, FolderFacts& folders) {
    try {
        return analyze_file_from(path, options, catalog, &folders);
    } catch (const std::exception& e) {
        FileReport report;
        report.path = path;
        report.error = Error{std::string("internal error: ") + e.what(), path, std::nullopt};
        return report;
    }
}

}  // namespace analyzer_detail

void analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options, const FileHandler& handle) {
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, files.size())));
    HistoryChain* chain = options.chain;
    const std::size_t window = (chain ? k_chained_files_ahead_per_thread : k_files_ahead_per_thread) * threads;
    FolderFacts folders;
    std::mutex mutex;
    std::condition_variable moved;              // the window moved, or the run failed
    std::map<std::size_t, OrderedStep> done;    // by file: steps not yet run (the next one's absent)
    std::size_t next_taken = 0, next_written = 0;
    bool writing = false;                       // one thread runs the ordered steps at a time
    std::exception_ptr failure;
    auto in_window = [&](std::size_t i) { return failure || i < next_written + window; };
    // A thread that is too far ahead sleeps until half the window has been written, not until
    // the next file is: waking it per written file costs two system calls a file and lets it
    // analyse one file before it sleeps again. `wake_at` is the lowest count of written files a
    // sleeper waits for; the writer wakes the sleepers only when it reaches it (and forgets it).
    // So a sleeper registers again after every wake-up: woken for another's lower count, it
    // would otherwise sleep on with its own count known to nobody, to the end of the run.
    std::size_t wake_at = SIZE_MAX;
    auto wait_in_window = [&](std::unique_lock<std::mutex>& lock, const std::size_t& index) {
        while (index < files.size() && !in_window(index)) {
            const std::size_t need = index + 1 + window / 2 - window;  // index >= next_written + window
            wake_at = std::min(wake_at, need);
            moved.wait(lock);
        }
    };
    // Called with the lock held; returns with it held.
    auto write_ready = [&](std::unique_lock<std::mutex>& lock) {
        if (writing) return;  // that thread will reach these files
        writing = true;
        for (auto at = done.begin(); !failure && at != done.end() && at->first == next_written; at = done.begin()) {
            OrderedStep ordered = std::move(at->second);
            done.erase(at);
            lock.unlock();
            try {
                if (ordered) ordered();
            } catch (...) {
                lock.lock();
                if (!failure) failure = std::current_exception();
                break;
            }
            lock.lock();
            if (++next_written >= wake_at) {
                wake_at = SIZE_MAX;
                moved.notify_all();
            }
        }
        writing = false;
        if (failure) moved.notify_all();
    };
    const std::size_t warm_bytes = heap_for_files(files.size(), threads);
    auto work = [&] {
        warm_heap(warm_bytes);  // this thread's arena: see heap.hpp
        std::unique_lock lock(mutex);
        for (;;) {
            wait_in_window(lock, next_taken);  // by reference: another thread may take files meanwhile
            if (failure || next_taken >= files.size()) return;
            // One file, or a whole migration set when chaining.
            const std::size_t first = next_taken;
            const std::size_t end = chain ? std::min(chain->set_end(first), files.size()) : first + 1;
            next_taken = end;
            Catalog catalog;
            for (std::size_t i = first; i < end; ++i) {
                wait_in_window(lock, i);
                if (failure) return;
                lock.unlock();
                OrderedStep step;
                try {
                    if (i == first) catalog = chain ? chain->start() : options.history ? *options.history : Catalog{};
                    FileReport report = analyze_one(files[i], options, catalog, folders);
                    // A file of the set not read (over --max-file-size, unreadable) may have made
                    // anything: the later files' schema is not known whole.
                    if (chain && report.error) catalog.mark_unknown();
                    if (chain && i + 1 < end) {
                        chain->handed_on(report);
                        catalog.hand_on(files[i]);
                    }
                    step = handle(std::move(report), i);
                } catch (...) {
                    lock.lock();
                    if (!failure) failure = std::current_exception();
                    moved.notify_all();
                    return;
                }
                lock.lock();
                done.emplace(i, std::move(step));
                write_ready(lock);
                if (failure) return;
            }
        }
    };
    // Workers with large stacks, so analyze_text needs no thread of its own per file.
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&] {
        try {
            run_on_large_stack(work);
        } catch (...) {
            work();  // no thread could be started: each file then reports the error itself
        }
    });
    run_on_large_stack(work);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

Report analyze_files(const std::vector<std::string>& files, const AnalyzeOptions& options) {
    Report report;
    report.pg_version = options.pg_version;
    report.files.reserve(files.size());
    analyze_files(files, options, [&report](FileReport&& file, std::size_t) -> OrderedStep {
        auto kept = std::make_shared<FileReport>(std::move(file));
        return [&report, kept] { report.files.push_back(std::move(*kept)); };
    });
    return report;
}

}  // namespace pgfence::analyze
