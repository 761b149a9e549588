#include "diff/changes.hpp"

#include <algorithm>

#include "analyze/migrations/migration_order.hpp"
#include "diff/glob.hpp"
#include "diff/link_targets.hpp"

namespace pgfence::diff {

Result<ChangeSet> changed_migrations(const Repository& repo, const std::string& base,
                             const std::string& head, const std::vector<std::string>& globs, std::uint64_t max_bytes) {
    const std::vector<std::string>& patterns = globs.empty() ? default_migration_globs() : globs;
    // A file is a migration at its own path or at a path it is reached through a link inside
    // the repository (a migrations folder or migration that is a link to another folder or
    // file): the tool reads through the link (diff/link_targets.hpp).
    std::vector<LinkInside> links;
    auto wanted = [&](std::string_view path) {
        if (selects(patterns, path)) return true;
        for (const auto& alias : paths_through_links(links, path)) {
            if (selects(patterns, alias)) return true;
        }
        return false;
    };
    auto wanted_dir = [&](std::string_view path) {
        if (may_hold(patterns, path)) return true;
        for (const auto& alias : paths_through_links(links, path)) {
            if (may_hold(patterns, alias)) return true;
        }
        return false;
    };

    ChangeSet set;
    set.repo_root = repo.root();
    Result<std::string> base_sha = repo.resolve_commit(base, "base");
    if (!base_sha) return base_sha.error();
    Result<std::string> head_sha = repo.resolve_commit(head, "head");
    if (!head_sha) return head_sha.error();
    set.base_sha = *base_sha;
    set.head_sha = *head_sha;
    Result<std::string> merge_base = repo.merge_base(set.base_sha, set.head_sha);
    if (!merge_base) return merge_base.error();
    set.merge_base_sha = *merge_base;
    auto linked = links_of(repo, set.merge_base_sha, set.head_sha);
    if (!linked) return linked.error();
    links = std::move(*linked);

    Result<std::vector<ChangedFile>> files = repo.changed_files(set.merge_base_sha, set.head_sha, wanted, wanted_dir, max_bytes);
    if (!files) return files.error();
    for (ChangedFile& file : *files) {
        bool entry_wanted = file.kind != EntryKind::file && wanted_dir(file.path);
        if (file.status == ChangeStatus::Renamed && !wanted(file.path) && !entry_wanted) {
            ChangedFile gone;
            gone.path = gone.old_path = file.old_path;
            gone.status = ChangeStatus::Deleted;
            file = std::move(gone);
        } else if (file.status == ChangeStatus::Renamed &&
                   (!wanted(file.old_path) || entry_wanted ||
                    analyze::migration_identity(file.old_path) != analyze::migration_identity(file.path))) {
            // Moved into the migrations, or to another version, folder or direction (a down
            // half renamed to a new up migration): the tool runs it as a new migration.
            file.all_lines_new = true;
        }
        set.files.push_back(std::move(file));
    }
    std::sort(set.files.begin(), set.files.end(),
              [](const ChangedFile& a, const ChangedFile& b) { return a.path < b.path; });
    return set;
}

Result<ChangeSet> changed_migrations(const std::string& repo_dir, const std::string& base,
                                     const std::string& head, const std::vector<std::string>& globs) {
    Result<Repository> repo = Repository::open(repo_dir);
    if (!repo) return repo.error();
    return changed_migrations(*repo, base, head, globs);
}

Result<std::optional<std::string>> read_file_at(const std::string& repo_dir, const std::string& commit,
                                                const std::string& path) {
    Result<Repository> repo = Repository::open(repo_dir);
    if (!repo) return repo.error();
    return repo->read_file(commit, path);
}

}  // namespace pgfence::diff
