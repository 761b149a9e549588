// pgfence analyze: the diagnosis and exit status, streamed reports, written plans, --changed-since (split from analyze_command.cpp).
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/model/unseen.hpp"
#include "analyze/migrations/tool_renames.hpp"
#include "bot/analyze_command_parts.hpp"

namespace pgfence::bot {

namespace analyze_command_detail {
// One file's part of the diagnosis, added to `d`.
void diagnose_file(const analyze::FileReport& f, const Settings& settings, bool block_unknown, std::ostream& err,
                   Diagnosis& d) {
    if (f.source_kind != "sql" && f.coverage.found == 0 && f.path.ends_with(".sql")) {
        // `--format knex` (the original pgfence's input kind) on SQL files: nothing is read.
        err << "warning: " << annotate::printable(f.path) << ": read as a " << f.source_kind
            << " script (--input-format or --format " << f.source_kind
            << "), and it makes no migration call: nothing in it was analysed; a .sql file is SQL (--input-format auto)\n";
    }
    if (f.source_kind != "sql") {
        d.scripts = true;
        d.coverage.found += f.coverage.found;
        d.coverage.analysed += f.coverage.analysed;
        // Every statement pgfence could not see, not only the calls whose SQL it could not read.
        const auto unseen = std::count_if(f.statements.begin(), f.statements.end(),
                                          [](const auto& s) { return s.status == StatementStatus::Unknown; });
        d.coverage.unknown += std::max(f.coverage.unknown, static_cast<int>(unseen));
        d.coverage.unparsable += f.coverage.unparsable;
        for (const auto& s : f.statements) {
            if (s.unanalysable) {
                err << (block_unknown ? "error: " : "warning: ") << annotate::printable(s.unanalysable->describe())
                    << " (SQL not visible statically; not analysed)\n";
            }
        }
    }
    if (f.error) {
        err << "error: " << annotate::printable(f.error->describe()) << "\n";
        d.failed = true;
    }
    for (const auto& s : f.statements) {
        if (s.status == StatementStatus::Unparsable && s.parse_error) {
            err << (settings.fail_on_unparsable ? "error: " : "warning: ") << annotate::printable(s.parse_error->describe())
                << " (statement not analysed)\n";
            d.failed = d.failed || settings.fail_on_unparsable;
        }
    }
    for (const auto& finding : f.findings) {
        d.over = d.over || (finding.risk > settings.max_risk && !finding.pre_existing);
        d.unseen += !finding.pre_existing && analyze::unseen_rule(finding.rule) ? 1 : 0;
    }
}

}  // namespace analyze_command_detail

std::string ungated_note(std::size_t unseen, bool said_warn, bool markdown) {
    if (!said_warn || unseen == 0) return {};
    const std::string n = std::to_string(unseen) + (unseen == 1 ? " statement" : " statements");
    const std::string how = markdown ? "`--unknown warn` (or `unknown = \"warn\"` in the configuration)"
                                     : "--unknown warn (or unknown = \"warn\" in the configuration)";
    return (markdown ? "**pgfence:** " : "pgfence: ") + n + " pgfence could not see (unknown-statement) " +
           (unseen == 1 ? "was" : "were") + " not gated because of " + how + ": a person must still review " +
           (unseen == 1 ? "it" : "them");
}

Diagnosis& Diagnosis::operator+=(const Diagnosis& other) {
    failed = failed || other.failed;
    over = over || other.over;
    scripts = scripts || other.scripts;
    coverage.found += other.coverage.found;
    coverage.analysed += other.coverage.analysed;
    coverage.unknown += other.coverage.unknown;
    coverage.unparsable += other.coverage.unparsable;
    unseen += other.unseen;
    return *this;
}

Diagnosis diagnose(const Report& report, const Settings& settings, bool block_unknown, std::ostream& err) {
    Diagnosis d;
    for (const auto& f : report.files) diagnose_file(f, settings, block_unknown, err, d);
    return d;
}

namespace analyze_command_detail {
// The text and JSON reports, written as the files are analysed: what is kept of a file until
// its turn is its rendered section and its error: lines, never its report.
Diagnosis stream_report(annotate::ReportStream& stream, const std::vector<std::string>& files, const Settings& settings,
                        const HistoryRun& history, bool block_unknown, const StdinInput* input, const PlanHint* hint,
                        Baseline* baseline, std::ostream& out, std::ostream& err, std::vector<FileReport> extra) {
    struct Done {
        annotate::Section section;
        std::optional<FileReport> large;  // a file whose section is written as it is rendered
        std::string messages;
        Diagnosis diagnosis;
        std::string path;
    };
    Diagnosis diagnosis;
    stream.begin(out);
    Progress progress(err, "analyze", files.size());
    std::size_t written = 0;
    analyze_files(files, settings.options, [&](FileReport&& report, std::size_t) -> analyze::OrderedStep {
        if (input != nullptr) input->rename(report);
        if (settings.stats) (void)settings.stats->apply(report, settings.size);
        if (baseline != nullptr) baseline->filter(report);
        if (hint != nullptr) hint->mark(report);
        auto done = std::make_shared<Done>();
        done->path = report.path;
        std::ostringstream messages;
        diagnose_file(report, settings, block_unknown, messages, done->diagnosis);
        done->messages = messages.str();
        // A large file's section (the JSON of a million statements is a hundred times the file)
        // is never held whole: its report waits instead, and is rendered to `out` in its turn.
        if (stream.large(report)) done->large.emplace(std::move(report));
        else done->section = stream.render(report);
        return [&, done] {
            progress.clear();
            // Only when there is one: cerr is tied to cout, so any write to it flushes the report.
            if (!done->messages.empty()) err << done->messages;
            diagnosis += done->diagnosis;
            if (done->large) {
                stream.write_file(out, *done->large);
                done->large.reset();
            } else {
                stream.write(out, done->section);
            }
            progress.step(++written, done->path);
        };
    });
    progress.clear();
    // The settings files whose migrations folder is not known (tools/tool_dir_inputs.hpp).
    for (auto& report : extra) {
        std::ostringstream messages;
        diagnose_file(report, settings, block_unknown, messages, diagnosis);
        err << messages.str();
        stream.write(out, stream.render(report));
    }
    if (auto counts = history.counts()) stream.set_history(*counts);
    if (auto counts = history.schema_counts()) stream.set_schema(*counts);
    if (auto counts = history.snapshot_counts()) stream.set_snapshot(*counts);
    if (!settings.stats) stream.set_sizes(k_sizes_assumed);
    stream.end(out);
    return diagnosis;
}

}  // namespace analyze_command_detail

bool write_plans(const Report& report, const std::string& folder, const PlanHint& hint, std::ostream& out, std::ostream& err,
                 const std::string& under) {
    bool ok = true;
    int plans = 0, clean = 0, declined = 0, failed = 0;
    std::vector<std::pair<std::string, std::string>> rehearse;  // file, the command that rehearses its plan
    for (const auto& file : report.files) {
        if (file.plan && !file.plan->declined.empty()) {
            ++declined;
            out << annotate::printable(file.path) << ": no plan offered, no file written: "
                << annotate::printable(file.plan->declined) << "\n";
        } else if (file.plan) {
            out << annotate::printable(file.path) << ": " << annotate::printable(file.plan->summary) << "\n";
            // A plan is written whole or not at all: every file of it is opened first (under the
            // folder, every component without following a link: a link committed at a plan's path,
            // or at a folder of it such as out-of-band/, is refused, not written through), and
            // only when all are open is any put in place. A migration without its out-of-band step
            // would be a plan that loses the backfill.
            // `under`: a folder inside `folder` that nobody named (pgfence-plan, the default):
            // opened like the rest of the path, never through a link a checkout holds there.
            std::vector<std::pair<std::string, const std::string*>> files;
            for (const auto& step : file.plan->steps) {
                files.emplace_back(step.path, &step.file_text);
                for (const auto& [path, text] : step.extra_files) files.emplace_back(path, &text);
            }
            std::vector<std::pair<std::string, std::unique_ptr<analyze::OutputFile>>> opened;
            bool refused = false;
            for (const auto& [path, text] : files) {
                std::string relative = fs::path(plan_output_path(file.path, path)).generic_string();
                if (!under.empty()) relative = under + "/" + relative;
                analyze::WriteOptions options;
                options.create_base = true;
                auto created = analyze::OutputFile::create(folder, relative, options);
                if (!created) {
                    err << "error: " << annotate::printable(created.error().describe())
                        << ": the plan of " << annotate::printable(file.path) << " is not written (none of its files)\n";
                    refused = true;
                    break;
                }
                (*created)->stream() << *text;
                opened.emplace_back(relative, std::move(*created));
            }
            for (std::size_t i = 0; !refused && i < opened.size(); ++i) {
                if (auto committed = opened[i].second->commit(); !committed) {
                    err << "error: " << annotate::printable(committed.error().describe()) << ": the plan of "
                        << annotate::printable(file.path) << " is not written whole\n";
                    refused = true;
                    break;
                }
                out << "  wrote "
                    << annotate::printable(folder == "." ? opened[i].first : (fs::path(folder) / opened[i].first).string()) << "\n";
            }
            if (refused) {
                ok = false;
                ++failed;
                continue;
            }
            ++plans;
            clean += file.plan->kept.empty() ? 1 : 0;
            if (!file.plan->steps.empty()) {
                rehearse.emplace_back(file.path, hint.command(file.path));
                out << "  composed, not rehearsed: " << annotate::printable(rehearse.back().second) << "\n";
            }
            for (const auto& note : file.plan->notes) out << "  note: " << annotate::printable(note) << "\n";
            for (const auto& p : file.plan->kept) {
                out << "  kept as written (no safe form): " << annotate::printable(p) << "\n";
            }
        }
    }
    if (!rehearse.empty()) {
        analyze::WriteOptions readme_options;
        readme_options.create_base = true;
        auto written = analyze::write_file_under(folder, (under.empty() ? "" : under + "/") + "pgfence-plan.README.md",
                                                 PlanHint::readme(rehearse), readme_options);
        if (!written) {
            err << "error: " << annotate::printable(written.error().describe()) << ": the plan's README is not written\n";
            ok = false;
        }
    }
    const std::string where = under.empty() ? folder : folder == "." ? under : (fs::path(folder) / under).string();
    out << plans << (plans == 1 ? " plan" : " plans") << " written to " << annotate::printable(where) << ": " << clean
        << " analysed clean, " << plans - clean << " with only findings of statements that have no safe form, "
        // none: a plan with such a finding was declined by the analysis
        << 0 << " with a finding the plan should have resolved";
    if (declined > 0) out << "; " << declined << " declined (no files written)";
    if (failed > 0) out << "; " << failed << " failed (refused where they would be written: no files written)";
    out << "\n";
    return ok;
}

namespace analyze_command_detail {
std::optional<std::string> baseline_at_merge_base(const std::string& path, const std::string& ref, std::ostream& err) {
    const fs::path absolute = fs::absolute(fs::path(path)).lexically_normal();
    auto repo = diff::Repository::open(absolute.parent_path().string());
    auto fail = [&](const std::string& why) {
        err << "error: --baseline with --changed-since: " << annotate::printable(why) << "\n";
        return std::nullopt;
    };
    if (!repo) return fail(repo.error().describe());
    auto base = repo->resolve_commit(ref, "--changed-since");
    if (!base) return fail(base.error().describe());
    auto head = repo->resolve_commit("HEAD", "head");
    if (!head) return fail(head.error().describe());
    auto merge_base = repo->merge_base(*base, *head);
    if (!merge_base) return fail(merge_base.error().describe());
    const std::string root = repo->root();
    const std::string full = absolute.generic_string();
    if (!full.starts_with(root)) return fail(path + " is not in the repository " + root);
    auto text = repo->read_file(*merge_base, full.substr(root.size()));
    if (!text) return fail(text.error().describe());
    return text->value_or(std::string());
}

std::optional<std::string> baseline_at_default_base(const std::string& path, std::string& against) {
    const fs::path absolute = fs::absolute(fs::path(path)).lexically_normal();
    auto repo = diff::Repository::open(absolute.parent_path().string());
    if (!repo) return std::nullopt;
    auto head = repo->resolve_commit("HEAD", "head");
    if (!head) return std::nullopt;
    std::string at = *head;
    against = "HEAD";
    for (const char* ref : {"origin/HEAD", "origin/main", "origin/master", "main", "master"}) {
        auto branch = repo->resolve_commit(ref, "the default branch");
        if (!branch) continue;
        auto merge_base = repo->merge_base(*branch, *head);
        if (!merge_base) continue;
        at = *merge_base;
        against = std::string("the merge base with ") + ref;
        break;
    }
    const std::string root = repo->root();
    const std::string full = absolute.generic_string();
    if (!full.starts_with(root)) return std::nullopt;
    auto text = repo->read_file(at, full.substr(root.size()));
    if (!text) return std::string();  // not readable there: it honours nothing
    return text->value_or(std::string());
}

// --changed-since REF: the files that differ from the merge base of REF and HEAD (added,
// edited, untracked; a file renamed with its content unchanged is not new). Nothing, after one
// error: line, when there is no repository or REF is not in it.
std::optional<std::vector<std::string>> changed_since(const std::vector<std::string>& files, const std::string& ref,
                                                      std::uint64_t max_bytes, std::ostream& err) {
    fs::path folder = files.empty() ? fs::current_path() : fs::absolute(fs::path(files.front())).parent_path();
    auto repo = diff::Repository::open(folder.string());
    if (!repo) {
        err << "error: --changed-since: " << annotate::printable(repo.error().describe()) << "\n";
        return std::nullopt;
    }
    auto base = repo->resolve_commit(ref, "--changed-since");
    if (!base) {
        err << "error: --changed-since: no commit, branch or tag '" << annotate::printable(ref) << "' in " << annotate::printable(repo->root())
            << (ref.find('/') != std::string::npos ? " (a remote's branch is there once fetched; without that remote, name a local branch: --changed-since main)"
                                                   : "")
            << "\n";
        return std::nullopt;
    }
    auto head = repo->resolve_commit("HEAD", "head");
    if (!head) {
        err << "error: --changed-since: " << annotate::printable(head.error().describe()) << "\n";
        return std::nullopt;
    }
    auto merge_base = repo->merge_base(*base, *head);
    if (!merge_base) {
        err << "error: --changed-since: " << annotate::printable(merge_base.error().describe()) << "\n";
        return std::nullopt;
    }
    const std::string root = repo->root();
    std::unordered_set<std::string> folders;
    for (const auto& f : files) {
        std::string abs = fs::absolute(fs::path(f)).lexically_normal().generic_string();
        if (abs.starts_with(root)) folders.insert(fs::path(abs.substr(root.size())).parent_path().generic_string());
    }
    auto listed = repo->list_blobs(*merge_base, [&](std::string_view rel) {
        return folders.count(fs::path(std::string(rel)).parent_path().generic_string()) > 0;
    });
    if (!listed) {
        err << "error: --changed-since: " << annotate::printable(listed.error().describe()) << "\n";
        return std::nullopt;
    }
    // Unchanged: the same content at the same path at the merge base, or at a path the file
    // was renamed from (one the working tree no longer has) that is the same migration to its
    // tool. A rename to another version, set or direction (a down half made an up migration) runs
    // as a new migration, as `pr` reads it (diff/changes.hpp, analyze::migration_identity).
    std::unordered_map<std::string, std::string> at_base;  // path -> blob id
    // blob id + '\n' + identity of base paths now gone -> that base path
    std::unordered_map<std::string, std::string> moved_away;
    for (const auto& file : *listed) {
        at_base.emplace(file.path, file.id);
        std::error_code gone;
        if (fs::symlink_status(root + file.path, gone).type() == fs::file_type::not_found) {
            moved_away.emplace(file.id + "\n" + analyze::migration_identity(file.path), file.path);
        }
    }
    // A down-named migration its tool runs whole (node-pg-migrate, dbmate), moved to a name its tool
    // records apart, runs again (analyze/migrations/tool_renames.hpp), as `pr` reads it.
    auto rerun = [&](const std::string& old_path, const std::string& path) {
        if (!analyze::is_down_half(old_path)) return false;
        const std::string tool = analyze::tools::rename_tool(root + path, [](const std::string& file) -> std::optional<std::string> {
            std::error_code e;
            if (fs::is_symlink(file, e) || !fs::is_regular_file(file, e) || fs::file_size(file, e) > analyze::tools::k_most_settings_bytes) {
                return std::nullopt;
            }
            std::ifstream in(file, std::ios::binary);
            return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        });
        return analyze::tools::tool_reruns_rename(old_path, path, tool);
    };
    std::vector<std::string> changed;
    for (const auto& f : files) {
        std::error_code ec;
        auto size = fs::file_size(f, ec);
        bool same = false;
        if (!ec && size <= max_bytes && fs::symlink_status(f, ec).type() == fs::file_type::regular) {
            std::ifstream in(f, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            auto id = diff::Repository::blob_id(bytes);
            std::string abs = fs::absolute(fs::path(f)).lexically_normal().generic_string();
            auto there = abs.starts_with(root) ? at_base.find(abs.substr(root.size())) : at_base.end();
            same = id && there != at_base.end() && there->second == *id;
            if (id && there == at_base.end() && abs.starts_with(root)) {
                const std::string rel = abs.substr(root.size());
                auto moved = moved_away.find(*id + "\n" + analyze::migration_identity(rel));
                same = moved != moved_away.end() && !rerun(moved->second, rel);
            }
        }
        if (!same) changed.push_back(f);
    }
    err << "pgfence: " << changed.size() << " of " << files.size() << (files.size() == 1 ? " file" : " files") << " changed since "
        << annotate::printable(ref) << " (merge base " << merge_base->substr(0, 12) << ")"
        << (changed.size() < files.size() ? "; the others are history" : "") << "\n";
    return changed;
}

}  // namespace analyze_command_detail

int terminal_width(bool tty) {
    winsize size{};
    if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        char* end = nullptr;
        long n = std::strtol(columns, &end, 10);
        if (end != columns && *end == '\0' && n >= 20 && n <= 1000) return static_cast<int>(n);
    }
    return 0;
}

}  // namespace pgfence::bot
