// libgit2, opened when a command first reads a repository (analyze/shared_library.hpp says why).
#include <git2.h>

#include <array>
#include <cstdarg>

#include "diff/libgit2_lazy.hpp"
#include "analyze/base/shared_library.hpp"

// Every libgit2 function pgfence calls: return type, name, parameters, arguments. A new call
// needs its line here (the link fails without it); a line that differs from libgit2's own
// declaration does not compile.
#define PGFENCE_LIBGIT2_FUNCTIONS(X) \
    X(int, git_attr_get_many_ext, (const char **values_out, git_repository *repo, git_attr_options *opts, const char *path, size_t num_attr, const char **names), (values_out, repo, opts, path, num_attr, names)) \
    X(git_attr_value_t, git_attr_value, (const char *attr), (attr)) \
    X(int, git_blob_filter, (git_buf *out, git_blob *blob, const char *as_path, git_blob_filter_options *opts), (out, blob, as_path, opts)) \
    X(int, git_blob_is_binary, (const git_blob *blob), (blob)) \
    X(void, git_blob_free, (git_blob *blob), (blob)) \
    X(int, git_blob_lookup, (git_blob **blob, git_repository *repo, const git_oid *id), (blob, repo, id)) \
    X(const void *, git_blob_rawcontent, (const git_blob *blob), (blob)) \
    X(git_object_size_t, git_blob_rawsize, (const git_blob *blob), (blob)) \
    X(void, git_commit_free, (git_commit *commit), (commit)) \
    X(int, git_commit_lookup, (git_commit **commit, git_repository *repo, const git_oid *id), (commit, repo, id)) \
    X(void, git_buf_dispose, (git_buf *buffer), (buffer)) \
    X(int, git_commit_tree, (git_tree **tree_out, const git_commit *commit), (tree_out, commit)) \
    X(void, git_config_free, (git_config *cfg), (cfg)) \
    X(int, git_config_get_path, (git_buf *out, const git_config *cfg, const char *name), (out, cfg, name)) \
    X(int, git_diff_find_options_init, (git_diff_find_options *opts, unsigned int version), (opts, version)) \
    X(int, git_diff_find_similar, (git_diff *diff, const git_diff_find_options *options), (diff, options)) \
    X(void, git_diff_free, (git_diff *diff), (diff)) \
    X(const git_diff_delta *, git_diff_get_delta, (const git_diff *diff, size_t idx), (diff, idx)) \
    X(size_t, git_diff_num_deltas, (const git_diff *diff), (diff)) \
    X(int, git_diff_options_init, (git_diff_options *opts, unsigned int version), (opts, version)) \
    X(int, git_diff_tree_to_tree, (git_diff **diff, git_repository *repo, git_tree *old_tree, git_tree *new_tree, const git_diff_options *opts), (diff, repo, old_tree, new_tree, opts)) \
    X(const git_error *, git_error_last, (void), ()) \
    X(void, git_index_free, (git_index *index), (index)) \
    X(size_t, git_index_entrycount, (const git_index *index), (index)) \
    X(const git_index_entry *, git_index_get_byindex, (git_index *index, size_t n), (index, n)) \
    X(int, git_index_open, (git_index **out, const char *index_path), (out, index_path)) \
    X(int, git_libgit2_init, (void), ()) \
    X(int, git_libgit2_shutdown, (void), ()) \
    X(int, git_merge_base, (git_oid *out, git_repository *repo, const git_oid *one, const git_oid *two), (out, repo, one, two)) \
    X(void, git_object_free, (git_object *object), (object)) \
    X(void, git_odb_free, (git_odb *db), (db)) \
    X(int, git_odb_hash, (git_oid *out, const void *data, size_t len, git_object_t type), (out, data, len, type)) \
    X(int, git_odb_read_header, (size_t *len_out, git_object_t *type_out, git_odb *db, const git_oid *id), (len_out, type_out, db, id)) \
    X(const git_oid *, git_object_id, (const git_object *obj), (obj)) \
    X(int, git_object_peel, (git_object **peeled, const git_object *object, git_object_t target_type), (peeled, object, target_type)) \
    X(int, git_oid_fromstr, (git_oid *out, const char *str), (out, str)) \
    X(char *, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id)) \
    X(void, git_patch_free, (git_patch *patch), (patch)) \
    X(int, git_patch_from_diff, (git_patch **out, git_diff *diff, size_t idx), (out, diff, idx)) \
    X(int, git_patch_get_hunk, (const git_diff_hunk **out, size_t *lines_in_hunk, git_patch *patch, size_t hunk_idx), (out, lines_in_hunk, patch, hunk_idx)) \
    X(int, git_patch_get_line_in_hunk, (const git_diff_line **out, git_patch *patch, size_t hunk_idx, size_t line_of_hunk), (out, patch, hunk_idx, line_of_hunk)) \
    X(size_t, git_patch_num_hunks, (const git_patch *patch), (patch)) \
    X(int, git_repository_config_snapshot, (git_config **out, git_repository *repo), (out, repo)) \
    X(int, git_repository_index, (git_index **out, git_repository *repo), (out, repo)) \
    X(int, git_repository_odb, (git_odb **out, git_repository *repo), (out, repo)) \
    X(void, git_repository_free, (git_repository *repo), (repo)) \
    X(int, git_repository_item_path, (git_buf *out, const git_repository *repo, git_repository_item_t item), (out, repo, item)) \
    X(int, git_repository_is_shallow, (git_repository *repo), (repo)) \
    X(int, git_repository_open_ext, (git_repository **out, const char *path, unsigned int flags, const char *ceiling_dirs), (out, path, flags, ceiling_dirs)) \
    X(const char *, git_repository_path, (const git_repository *repo), (repo)) \
    X(const char *, git_repository_workdir, (const git_repository *repo), (repo)) \
    X(int, git_revparse_single, (git_object **out, git_repository *repo, const char *spec), (out, repo, spec)) \
    X(int, git_tree_entry_bypath, (git_tree_entry **out, const git_tree *root, const char *path), (out, root, path)) \
    X(void, git_tree_entry_free, (git_tree_entry *entry), (entry)) \
    X(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry *entry), (entry)) \
    X(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry)) \
    X(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry)) \
    X(git_object_t, git_tree_entry_type, (const git_tree_entry *entry), (entry)) \
    X(void, git_tree_free, (git_tree *tree), (tree)) \
    X(int, git_tree_walk, (const git_tree *tree, git_treewalk_mode mode, git_treewalk_cb callback, void *payload), (tree, mode, callback, payload))

namespace {

struct Table {
    PGFENCE_LIBGIT2_FUNCTIONS(PGFENCE_LAZY_SLOT)
};
Table g_table;
// git_libgit2_opts takes its value through "...", which cannot be forwarded as such: the
// options pgfence sets take one int, but for GIT_OPT_SET_CACHE_OBJECT_LIMIT (an object type and
// a size_t), and only those are passed on (below).
int (*g_opts)(int, ...) = nullptr;

constexpr pgfence::LazyLibraryInfo k_info{PGFENCE_LIBGIT2_SONAME, "PGFENCE_LIBGIT2", "pgfence pr (reading the pull request's commits)", PGFENCE_LIBGIT2_PACKAGE};

}  // namespace

namespace pgfence::diff {

std::optional<std::string> open_libgit2() {
    static const auto symbols = std::to_array<LazySymbol>({
        PGFENCE_LIBGIT2_FUNCTIONS(PGFENCE_LAZY_ENTRY)
        LazySymbol{"git_libgit2_opts", &g_opts},
    });
    return open_lazy_library(k_info, symbols);
}

}  // namespace pgfence::diff

namespace {
std::optional<std::string> lazy_open() { return pgfence::diff::open_libgit2(); }
}  // namespace

PGFENCE_LIBGIT2_FUNCTIONS(PGFENCE_LAZY_FORWARD)

extern "C" int git_libgit2_opts(int option, ...) {
    if (g_opts == nullptr) {
        if (auto error = lazy_open()) pgfence::throw_missing_library(*error);
    }
    va_list values;
    va_start(values, option);
    if (option == GIT_OPT_SET_CACHE_OBJECT_LIMIT) {
        int type = va_arg(values, int);
        std::size_t size = va_arg(values, std::size_t);
        va_end(values);
        return g_opts(option, type, size);
    }
    int value = va_arg(values, int);
    va_end(values);
    return g_opts(option, value);
}
