#include "diff/changes.hpp"

#include <algorithm>

#include "diff/glob.hpp"

namespace pgfence::diff {

ChangeSet changed_migrations(const Repository& repo, const std::string& base,
                             const std::string& head, const std::vector<std::string>& globs) {
    const std::vector<std::string>& patterns = globs.empty() ? default_migration_globs() : globs;
    auto wanted = [&](std::string_view path) { return selects(patterns, path); };

    ChangeSet set;
    set.repo_root = repo.root();
    set.base_sha = repo.resolve_commit(base, "base");
    set.head_sha = repo.resolve_commit(head, "head");
    set.merge_base_sha = repo.merge_base(set.base_sha, set.head_sha);

    for (ChangedFile& file : repo.changed_files(set.merge_base_sha, set.head_sha, wanted)) {
        if (file.status == ChangeStatus::Renamed && !wanted(file.path)) {
            file = ChangedFile{file.old_path, file.old_path, ChangeStatus::Deleted, {}, false};
        } else if (file.status == ChangeStatus::Renamed && !wanted(file.old_path)) {
            file.all_lines_new = true;
        }
        set.files.push_back(std::move(file));
    }
    std::sort(set.files.begin(), set.files.end(),
              [](const ChangedFile& a, const ChangedFile& b) { return a.path < b.path; });
    return set;
}

ChangeSet changed_migrations(const std::string& repo_dir, const std::string& base,
                             const std::string& head, const std::vector<std::string>& globs) {
    return changed_migrations(Repository(repo_dir), base, head, globs);
}

std::optional<std::string> read_file_at(const std::string& repo_dir, const std::string& commit,
                                        const std::string& path) {
    return Repository(repo_dir).read_file(commit, path);
}

}  // namespace pgfence::diff
