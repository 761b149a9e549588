#include "bot/pr_config.hpp"

#include <filesystem>
#include <optional>

#include "analyze/base/regular_file.hpp"
#include "annotate/printable.hpp"
#include "bot/config.hpp"
#include "diff/glob.hpp"
#include "stats/apply.hpp"

namespace pgfence::bot {
namespace {

namespace fs = std::filesystem;
using analyze::Error;
using analyze::Result;

std::string short_sha(const std::string& sha) { return sha.substr(0, 7); }

// The repository's working directory, without the trailing '/' libgit2 gives it.
fs::path root_of(const diff::Repository& repo) {
    std::string root = repo.root();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(root, ec);
    return ec ? fs::path(root) : canonical;
}

// `path` (relative to the working directory, or absolute) as a repository-relative path, or
// nothing when it lies outside the repository. Only its folder is resolved through symbolic
// links: a link inside the checkout is a file of the checkout.
std::optional<std::string> in_repository(const fs::path& path, const fs::path& root) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec).lexically_normal();
    if (ec || absolute.filename().empty()) return std::nullopt;
    fs::path folder = fs::weakly_canonical(absolute.parent_path(), ec);
    if (ec) folder = absolute.parent_path();
    fs::path relative = (folder / absolute.filename()).lexically_relative(root);
    if (relative.empty() || relative.is_absolute() || *relative.begin() == "..") return std::nullopt;
    return relative.generic_string();
}

std::string folder_of(const std::string& relative) {
    auto slash = relative.rfind('/');
    return slash == std::string::npos ? std::string() : relative.substr(0, slash);
}

// A file the configuration or the command line names.
struct Named {
    std::optional<std::string> text;  // nothing: only the pull request has it
    std::string shown;                // how messages name it
    std::optional<std::string> relative;  // inside the repository
    bool from_base = false;
};

// In base mode, a file inside the repository that the base or the head commit tracks is read
// from the base commit; anything else (made by the workflow, or outside the checkout) from disk,
// as a regular file under `limit`.
Result<Named> read_named(const PrConfigPlace& place, const fs::path& root, const std::string& disk_path,
                         std::uintmax_t limit, std::string_view what) {
    Named named;
    named.relative = in_repository(disk_path, root);
    named.shown = disk_path;
    if (place.from == ConfigFrom::Base && named.relative) {
        named.shown = *named.relative;
        auto at_base = place.repo->read_file(place.base_sha, *named.relative);
        if (!at_base) return at_base.error();
        if (*at_base) {
            if ((*at_base)->size() > limit) {
                return Error{std::string(what) + " in the base commit is too large", *named.relative, std::nullopt};
            }
            named.text = std::move(**at_base);
            named.from_base = true;
            return named;
        }
        auto at_head = place.repo->read_file(place.head_sha, *named.relative);
        if (!at_head) return at_head.error();
        if (*at_head) return named;  // the pull request adds it
    }
    auto text = analyze::read_regular_file(disk_path, limit, what);
    if (!text) return text.error();
    named.text = std::move(*text);
    return named;
}

// The nearest .pgfence.toml / .pgfence.json of the base commit, from the working directory's
// folder (when it is inside the repository) up to the repository's root.
Result<std::optional<std::string>> find_in_base(const PrConfigPlace& place, const fs::path& root) {
    std::error_code ec;
    auto here = in_repository(fs::current_path(ec) / ".pgfence.toml", root);
    std::string folder = here ? folder_of(*here) : std::string();
    for (;;) {
        for (const char* name : {".pgfence.toml", ".pgfence.json"}) {
            std::string candidate = folder.empty() ? std::string(name) : folder + "/" + name;
            auto text = place.repo->read_file(place.base_sha, candidate);
            if (!text) return text.error();
            if (*text) return std::optional<std::string>(candidate);
        }
        if (folder.empty()) return std::optional<std::string>();
        folder = folder_of(folder);
    }
}

bool report_error(const Error& e, std::ostream& err) {
    err << "error: " << annotate::printable(e.describe()) << "\n";
    return false;
}

// Head mode: the checkout on disk, as `pgfence analyze` reads it, with `paths` made
// repository-relative.
bool resolve_from_checkout(const AnalyzeArgs& a, const fs::path& root, Settings& s, std::ostream& err) {
    std::optional<fs::path> path;
    if (!a.config.empty()) path = fs::path(a.config);
    else if (!a.no_config) path = find_config(fs::current_path());
    if (path) {
        auto loaded = load_config(*path);
        if (!loaded) return report_error(loaded.error(), err);
        auto relative = in_repository(*path, root);
        apply_config(s, *loaded, relative ? fs::path(folder_of(*relative)) : fs::path(), path->parent_path());
        err << "pgfence: config: " << annotate::printable(relative ? *relative : path->string())
            << " from the checkout (--config-from head)\n";
    } else {
        err << "pgfence: config: none" << (a.no_config ? " (--no-config)" : " found in the checkout") << "\n";
    }
    apply_args(s, a);
    if (!load_stats(s, err)) return false;
    version_from_snapshot(s);
    return true;
}

}  // namespace

bool resolve_pr_settings(const AnalyzeArgs& a, const PrConfigPlace& place, Settings& s, std::ostream& err) {
    const fs::path root = root_of(*place.repo);
    if (place.from == ConfigFrom::Head) return resolve_from_checkout(a, root, s, err);

    const std::string base_name = "the base commit " + short_sha(place.base_sha);
    std::optional<Named> config;
    if (!a.config.empty()) {
        auto named = read_named(place, root, a.config, analyze::k_config_max_bytes, "the configuration file");
        if (!named) return report_error(named.error(), err);
        if (!named->text) {
            err << "pgfence: config: none: " << annotate::printable(named->shown) << " is not in " << base_name
                << " (the pull request adds it: it applies once merged, or with --config-from head)\n";
        } else {
            config = std::move(*named);
        }
    } else if (!a.no_config) {
        auto found = find_in_base(place, root);
        if (!found) return report_error(found.error(), err);
        if (*found) {
            auto text = place.repo->read_file(place.base_sha, **found);
            if (!text) return report_error(text.error(), err);
            config = Named{std::move(*text), **found, **found, true};
        } else {
            err << "pgfence: config: none in " << base_name
                << " (a configuration the pull request adds applies once merged, or with --config-from head)\n";
        }
    } else {
        err << "pgfence: config: none (--no-config)\n";
    }
    if (config) {
        auto loaded = parse_config(*config->text, config->shown);
        if (!loaded) return report_error(loaded.error(), err);
        // `paths` are relative to the file's folder, made repository-relative for the diff;
        // `stats_file` too, and read by the same rule as the file itself.
        fs::path folder = config->relative ? fs::path(folder_of(*config->relative)) : fs::path();
        fs::path files = config->relative ? root / folder : fs::path(config->shown).parent_path();
        apply_config(s, *loaded, folder, files);
        if (place.read_files && config->relative) place.read_files->push_back(*config->relative);
        err << "pgfence: config: " << annotate::printable(config->shown) << " from "
            << (config->from_base ? base_name : std::string("outside the repository")) << "\n";
    }
    apply_args(s, a);
    if (s.stats_file.empty()) return true;
    auto named = read_named(place, root, s.stats_file, analyze::k_stats_max_bytes, "the stats snapshot");
    if (!named) return report_error(named.error(), err);
    if (place.read_files && named->relative) place.read_files->push_back(*named->relative);
    if (!named->text) {
        err << "warning: " << annotate::printable(named->shown) << " is not in " << base_name
            << ": no stats snapshot for this review (the pull request adds it)\n";
        s.stats_file.clear();
        return true;
    }
    auto loaded = stats::parse_stats(*named->text, named->shown);
    if (!loaded) return report_error(loaded.error(), err);
    s.stats = *loaded;
    s.options.known_schema = s.stats->known_schema();
    s.stats_file.clear();  // read: load_stats has nothing left to do
    version_from_snapshot(s);
    return true;
}

bool pr_schema_sources(const std::vector<std::string>& named, const PrConfigPlace& place, std::uint64_t limit,
                       PrSchemaSources& out, std::ostream& err, std::string_view option) {
    if (place.from == ConfigFrom::Head) {
        out.disk = named;
        return true;
    }
    const fs::path root = root_of(*place.repo);
    const std::string base_name = "the base commit " + short_sha(place.base_sha);
    auto read_at_base = [&](const std::string& relative) -> bool {
        auto blob = place.repo->read_file_bounded(place.base_sha, relative, limit);
        if (!blob) return report_error(blob.error(), err);
        if (!*blob || !(*blob)->text) {
            return report_error(Error{"the " + std::string(option) + " file in " + base_name + " is larger than --max-file-size", relative, std::nullopt}, err);
        }
        out.texts.emplace_back(relative, std::move(*(*blob)->text));
        return true;
    };
    for (const std::string& path : named) {
        std::optional<std::string> relative = in_repository(path, root);
        if (!relative) {
            out.disk.push_back(path);
            continue;
        }
        if (relative->find_first_of("*?[") != std::string::npos) {
            // A glob: the base commit's files it matches (none: nothing, as at the base).
            auto matched = place.repo->list_files(place.base_sha, [&](std::string_view p) { return diff::selects({*relative}, p); });
            if (!matched) return report_error(matched.error(), err);
            for (const auto& file_path : *matched) {
                if (!read_at_base(file_path)) return false;
            }
            if (matched->empty()) {
                err << "warning: " << option << " " << annotate::printable(*relative) << " matches no file in " << base_name << "\n";
            }
            continue;
        }
        auto file = place.repo->read_file(place.base_sha, *relative);
        if (!file) return report_error(file.error(), err);
        if (*file) {
            if (!read_at_base(*relative)) return false;
            continue;
        }
        // A folder: its .sql files at the base commit.
        const std::string prefix = *relative + "/";
        auto in_folder = [&](std::string_view p) { return p.starts_with(prefix) && p.ends_with(".sql"); };
        auto listed = place.repo->list_files(place.base_sha, in_folder);
        if (!listed) return report_error(listed.error(), err);
        if (!listed->empty()) {
            for (const auto& file_path : *listed) {
                if (!read_at_base(file_path)) return false;
            }
            continue;
        }
        auto at_head = place.repo->read_file(place.head_sha, *relative);
        if (!at_head) return report_error(at_head.error(), err);
        auto head_listed = place.repo->list_files(place.head_sha, in_folder);
        if (!head_listed) return report_error(head_listed.error(), err);
        if (*at_head || !head_listed->empty()) {
            err << "warning: " << option << " " << annotate::printable(*relative) << " is not in " << base_name
                << ": the pull request adds it, so it is not read (it applies once merged, or with --config-from head)\n";
            continue;
        }
        out.disk.push_back(path);  // made by the workflow: in neither commit
    }
    return true;
}

}  // namespace pgfence::bot
