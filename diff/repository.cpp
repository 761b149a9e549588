#include "diff/repository.hpp"

#include <git2.h>

#include "diff/checkout_text.hpp"
#include "diff/libgit2_lazy.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>


namespace pgfence::diff {
namespace {

template <typename T, void (*Free)(T*)>
struct FreeWith {
    void operator()(T* handle) const { Free(handle); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, FreeWith<T, Free>>;

using Object = Handle<git_object, git_object_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Patch = Handle<git_patch, git_patch_free>;
using Config = Handle<git_config, git_config_free>;
using Odb = Handle<git_odb, git_odb_free>;
using Index = Handle<git_index, git_index_free>;

// A git_buf's text, the buffer disposed of.
std::string take(git_buf& buffer) {
    std::string text = buffer.ptr ? std::string(buffer.ptr, buffer.size) : std::string();
    git_buf_dispose(&buffer);
    return text;
}

// libgit2's global state, set up once for the process (git_libgit2_init is refcounted, so
// this coexists with anyone else in the process using it).
struct Library {
    Library() {
        git_libgit2_init();
        // In the action's container we run as root over $GITHUB_WORKSPACE, which belongs to
        // the runner's uid; git (and libgit2 since 1.4.3) refuse such "dubious ownership"
        // repositories. We only read objects and never run hooks or config-defined commands,
        // so the check protects nothing here, and we cannot ask the user to edit a global
        // safe.directory inside our container.
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
        // libgit2 keeps in memory only trees under 4 KiB: a folder of a few hundred migrations
        // (its tree is ~50 bytes an entry) was inflated, hashed and parsed again on every file
        // read below it, and `pr` reads each migration several times: time quadratic in the
        // files (red team R71 F14). Any tree up to 32 MiB is kept (the cache's total stays
        // libgit2's 256 MiB).
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<std::size_t>(32) << 20);
    }
    ~Library() { git_libgit2_shutdown(); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

void ensure_library() {
    static Library library;
}

// libgit2's failures travel as this inside the adapter, so the many calls of one operation
// need no checks between them; every public member turns it into an Error (guarded).
struct GitFailure {
    std::string message;
};

template <typename F>
auto guarded(F&& operation) -> Result<decltype(operation())> {
    try {
        return operation();
    } catch (GitFailure& failure) {
        return Error{std::move(failure.message), "", std::nullopt};
    }
}

std::string last_message() {
    const git_error* error = git_error_last();
    return error && error->message ? error->message : "unknown libgit2 error";
}

void check(int rc, std::string_view what) {
    if (rc < 0) throw GitFailure{"git: " + std::string(what) + ": " + last_message()};
}

std::string hex(const git_oid* oid) {
    char buffer[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buffer, sizeof buffer, oid);
    return buffer;
}

git_oid parse_oid(const std::string& sha) {
    git_oid oid;
    check(git_oid_fromstr(&oid, sha.c_str()), "bad commit id '" + sha + "'");
    return oid;
}

Tree tree_of(git_repository* repo, const std::string& sha) {
    git_oid oid = parse_oid(sha);
    git_commit* raw_commit = nullptr;
    check(git_commit_lookup(&raw_commit, repo, &oid), "commit " + sha);
    Commit commit(raw_commit);
    git_tree* raw_tree = nullptr;
    check(git_commit_tree(&raw_tree, commit.get()), "tree of commit " + sha);
    return Tree(raw_tree);
}

// A blob's bytes (a link's text), at most 64 KiB of them: a link's text is a path.
std::string blob_text(git_repository* repo, const git_oid& id) {
    git_blob* raw_blob = nullptr;
    check(git_blob_lookup(&raw_blob, repo, &id), "blob of a link");
    Blob blob(raw_blob);
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
    return std::string(data, std::min<std::size_t>(size, 64 * 1024));
}

bool is_file(uint16_t mode) {
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

void add_line(std::vector<LineRange>& ranges, int line) {
    if (!ranges.empty() && ranges.back().last + 1 >= line) {
        if (line > ranges.back().last) ranges.back().last = line;
        return;
    }
    ranges.push_back(LineRange{line, line});
}

std::vector<LineRange> added_lines(git_diff* diff, std::size_t index) {
    git_patch* raw_patch = nullptr;
    check(git_patch_from_diff(&raw_patch, diff, index), "patch");
    Patch patch(raw_patch);
    std::vector<LineRange> ranges;
    if (!patch) return ranges;
    for (std::size_t h = 0; h < git_patch_num_hunks(patch.get()); ++h) {
        const git_diff_hunk* hunk = nullptr;
        std::size_t lines = 0;
        check(git_patch_get_hunk(&hunk, &lines, patch.get(), h), "hunk");
        for (std::size_t l = 0; l < lines; ++l) {
            const git_diff_line* line = nullptr;
            check(git_patch_get_line_in_hunk(&line, patch.get(), h, l), "diff line");
            if (line->origin == GIT_DIFF_LINE_ADDITION) add_line(ranges, line->new_lineno);
        }
    }
    return ranges;
}

const std::string k_fetch_all = "use `fetch-depth: 0` in actions/checkout";

}  // namespace

Repository::Repository(git_repository* repo, std::string dir)
    : m_repo(repo, git_repository_free), m_dir(std::move(dir)) {}

namespace {
// Whether git_repository_open_ext (flags 0) could find a repository from `dir`: it looks, in the
// folder (its real path) and each folder above it, for a `.git` entry, or for the folder being
// a repository's own (HEAD, objects, refs). False only when no folder there has a `.git` or a
// `HEAD` entry, so that an analysis outside any repository does not set libgit2 up (its start
// reads every CA certificate of the system: a twentieth of a small run's instructions).
bool may_find_repository(const std::string& dir) {
    std::error_code error;
    std::filesystem::path at = std::filesystem::canonical(dir, error);
    if (error) return true;  // libgit2 says why
    for (;;) {
        if (std::filesystem::exists(at / ".git", error) || error) return true;
        if (std::filesystem::exists(at / "HEAD", error) || error) return true;
        if (!at.has_relative_path()) return false;
        at = at.parent_path();
    }
}

std::string not_a_repository(const std::string& dir) {
    std::error_code ignored;
    std::string shown = std::filesystem::absolute(dir, ignored).lexically_normal().string();
    return "not a git repository: " + (shown.empty() ? dir : shown) +
           " (run pgfence inside the repository's working tree; in Actions, after actions/checkout)";
}
}  // namespace

Result<Repository> Repository::open(const std::string& dir) {
    if (auto missing = open_libgit2()) return Error{*missing, "", std::nullopt};
    if (!may_find_repository(dir)) return Error{not_a_repository(dir), "", std::nullopt};
    ensure_library();
    return guarded([&]() -> Repository {
        git_repository* raw = nullptr;
        int rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
        if (rc == GIT_ENOTFOUND) throw GitFailure{not_a_repository(dir)};
        if (rc == GIT_EOWNER) {
            throw GitFailure{"git refuses the repository " + dir + " (dubious ownership): " + last_message()};
        }
        check(rc, "opening " + dir);
        return Repository(raw, dir);
    });
}

std::string Repository::root() const {
    const char* workdir = git_repository_workdir(m_repo.get());
    return workdir ? workdir : git_repository_path(m_repo.get());
}

Result<std::string> Repository::hooks_dir() const {
    return guarded([&]() -> std::string {
        const char* workdir = git_repository_workdir(m_repo.get());
        if (workdir == nullptr) throw GitFailure{"a bare repository has no working tree to commit from: " + root()};
        git_config* raw = nullptr;
        check(git_repository_config_snapshot(&raw, m_repo.get()), "reading the configuration");
        Config config(raw);
        git_buf buffer = GIT_BUF_INIT;
        int rc = git_config_get_path(&buffer, config.get(), "core.hooksPath");
        if (rc != GIT_ENOTFOUND) {
            check(rc, "reading core.hooksPath");
            // git runs hooks from the top of the working tree, so a relative hooksPath is read from there.
            std::filesystem::path path(take(buffer));
            return (path.is_absolute() ? path : std::filesystem::path(workdir) / path).lexically_normal().string();
        }
        check(git_repository_item_path(&buffer, m_repo.get(), GIT_REPOSITORY_ITEM_HOOKS), "finding the hooks folder");
        return std::filesystem::path(take(buffer)).lexically_normal().string();
    });
}

bool Repository::is_shallow() const {
    return git_repository_is_shallow(m_repo.get()) == 1;
}

Result<std::string> Repository::resolve_commit(const std::string& revspec, std::string_view role) const {
    return guarded([&]() -> std::string {
        std::string name = std::string(role) + " commit '" + revspec + "'";
        if (revspec.empty()) throw GitFailure{"no " + std::string(role) + " commit given"};
        git_object* raw = nullptr;
        int rc = git_revparse_single(&raw, m_repo.get(), revspec.c_str());
        if (rc == GIT_ENOTFOUND) {
            if (is_shallow()) throw GitFailure{name + " is not in the clone: the checkout is shallow: " + k_fetch_all};
            throw GitFailure{name + " not found in " + root() + ": fetch it first (" + k_fetch_all + ")"};
        }
        if (rc == GIT_EAMBIGUOUS) throw GitFailure{name + " is ambiguous: give more hex digits"};
        if (rc == GIT_EINVALIDSPEC) throw GitFailure{name + " is not a valid revision"};
        check(rc, name);
        Object object(raw);
        git_object* raw_commit = nullptr;
        if (git_object_peel(&raw_commit, object.get(), GIT_OBJECT_COMMIT) < 0) {
            throw GitFailure{name + " does not name a commit"};
        }
        Object commit(raw_commit);
        return hex(git_object_id(commit.get()));
    });
}

Result<std::string> Repository::tree_id(const std::string& sha) const {
    return guarded([&]() -> std::string {
        Tree tree = tree_of(m_repo.get(), sha);
        // A git_tree is a git_object (libgit2's object model), so its id is read as one's.
        return hex(git_object_id(reinterpret_cast<const git_object*>(tree.get())));
    });
}

Result<std::string> Repository::merge_base(const std::string& base_sha, const std::string& head_sha) const {
    return guarded([&]() -> std::string {
        git_oid base = parse_oid(base_sha);
        git_oid head = parse_oid(head_sha);
        git_oid out;
        int rc = git_merge_base(&out, m_repo.get(), &base, &head);
        if (rc < 0 && is_shallow()) {
            // libgit2 1.5 cannot walk past the shallow boundary: any failure here means the
            // history that joins the two commits was not fetched.
            throw GitFailure{"no merge base of base " + base_sha.substr(0, 12) + " and head " +
                            head_sha.substr(0, 12) + " in the clone: the checkout is shallow: " + k_fetch_all};
        }
        if (rc == GIT_ENOTFOUND) {
            throw GitFailure{"base " + base_sha.substr(0, 12) + " and head " + head_sha.substr(0, 12) +
                            " have no common ancestor (unrelated histories): check --base"};
        }
        check(rc, "merge base");
        return hex(&out);
    });
}

Result<std::vector<ChangedFile>> Repository::changed_files(
    const std::string& from, const std::string& to,
    const std::function<bool(std::string_view)>& wanted,
    const std::function<bool(std::string_view)>& wanted_dir, std::uint64_t max_bytes) const {
    return guarded([&]() -> std::vector<ChangedFile> {
        git_odb* raw_odb = nullptr;
        check(git_repository_odb(&raw_odb, m_repo.get()), "opening the object database");
        Odb odb(raw_odb);
        // A blob's size from its header, without inflating it (0 for no blob).
        auto size_of = [&](const git_oid& id) -> std::uint64_t {
            if (std::all_of(std::begin(id.id), std::end(id.id), [](unsigned char b) { return b == 0; })) return 0;
            std::size_t size = 0;
            git_object_t type = GIT_OBJECT_INVALID;
            if (git_odb_read_header(&size, &type, odb.get(), &id) != 0) return 0;
            return size;
        };
        Tree old_tree = tree_of(m_repo.get(), from);
        Tree new_tree = tree_of(m_repo.get(), to);

        git_diff_options options;
        check(git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION), "diff options");
        options.context_lines = 0;  // hunks then hold exactly the changed lines
        options.interhunk_lines = 0;
        git_diff* raw_diff = nullptr;
        check(git_diff_tree_to_tree(&raw_diff, m_repo.get(), old_tree.get(), new_tree.get(), &options),
              "diff " + from.substr(0, 12) + ".." + to.substr(0, 12));
        Diff diff(raw_diff);

        git_diff_find_options find;
        check(git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION), "rename options");
        find.flags = GIT_DIFF_FIND_RENAMES;  // explicit, so a diff.renames=false config cannot turn it off
        check(git_diff_find_similar(diff.get(), &find), "rename detection");

        std::vector<ChangedFile> files;
        for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
            const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
            ChangedFile file;
            file.old_path = delta->old_file.path ? delta->old_file.path : "";
            file.path = delta->new_file.path ? delta->new_file.path : file.old_path;
            switch (delta->status) {
                case GIT_DELTA_ADDED: file.status = ChangeStatus::Added; break;
                case GIT_DELTA_DELETED: file.status = ChangeStatus::Deleted; break;
                case GIT_DELTA_MODIFIED: file.status = ChangeStatus::Modified; break;
                case GIT_DELTA_RENAMED: file.status = ChangeStatus::Renamed; break;
                default: continue;  // unmodified, ignored, untracked, copied, typechange: not asked for
            }
            bool deleted = file.status == ChangeStatus::Deleted;
            const uint16_t mode = deleted ? delta->old_file.mode : delta->new_file.mode;
            // A link or submodule is a folder the tools may run migrations through when it
            // stands where the globs could select files below it.
            bool entry = !deleted && (mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT);
            if (!wanted(file.path) && !wanted(file.old_path) && !(entry && wanted_dir && wanted_dir(file.path))) continue;
            if (!is_file(mode)) {
                // A link or submodule among the migrations is listed (and reported), never read
                // as one; deleting one changes nothing that runs.
                if (deleted || (mode != GIT_FILEMODE_LINK && mode != GIT_FILEMODE_COMMIT)) continue;
                file.kind = mode == GIT_FILEMODE_LINK ? EntryKind::link : EntryKind::submodule;
                file.target = mode == GIT_FILEMODE_LINK ? blob_text(m_repo.get(), delta->new_file.id)
                                                        : hex(&delta->new_file.id);
                file.all_lines_new = true;
                files.push_back(std::move(file));
                continue;
            }
            if (deleted) {
                file.path = file.old_path;
            } else {
                file.all_lines_new = file.status == ChangeStatus::Added;
                // A file over the size limit is refused unread: its lines are not diffed.
                bool large = size_of(delta->new_file.id) > max_bytes || size_of(delta->old_file.id) > max_bytes;
                if (!large) file.added = added_lines(diff.get(), i);
            }
            files.push_back(std::move(file));
        }
        // A path whose type changed (a file turned into a link) comes as a deletion and an
        // addition: only the addition is what the head runs.
        std::set<std::string> present;
        for (const auto& f : files) {
            if (f.status != ChangeStatus::Deleted) present.insert(f.path);
        }
        std::erase_if(files, [&](const ChangedFile& f) { return f.status == ChangeStatus::Deleted && present.contains(f.path); });
        return files;
    });
}

Result<std::optional<std::string>> Repository::read_file(const std::string& commit,
                                                 const std::string& path) const {
    return guarded([&]() -> std::optional<std::string> {
        Result<std::string> sha = resolve_commit(commit, "head");
        if (!sha) throw GitFailure{sha.error().message};
        Tree tree = tree_of(m_repo.get(), *sha);
        git_tree_entry* raw_entry = nullptr;
        int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
        if (rc == GIT_ENOTFOUND) return std::nullopt;
        check(rc, "looking up " + path);
        TreeEntry entry(raw_entry);
        if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
        git_blob* raw_blob = nullptr;
        check(git_blob_lookup(&raw_blob, m_repo.get(), git_tree_entry_id(entry.get())), "blob " + path);
        Blob blob(raw_blob);
        const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
        std::string raw(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
        CheckoutText checked = checkout_text(m_repo.get(), parse_oid(*sha), path, blob.get(), std::move(raw),
                                             hex(git_tree_entry_id(entry.get())));
        if (checked.error) throw GitFailure{*checked.error};
        return std::move(checked.text);
    });
}

Result<std::optional<TreeEntryInfo>> Repository::entry_at(const std::string& commit, const std::string& path) const {
    return guarded([&]() -> std::optional<TreeEntryInfo> {
        Result<std::string> sha = resolve_commit(commit, "head");
        if (!sha) throw GitFailure{sha.error().message};
        Tree tree = tree_of(m_repo.get(), *sha);
        git_tree_entry* raw_entry = nullptr;
        int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
        if (rc == GIT_ENOTFOUND) return std::nullopt;
        check(rc, "looking up " + path);
        TreeEntry entry(raw_entry);
        TreeEntryInfo out;
        out.id = hex(git_tree_entry_id(entry.get()));
        const git_filemode_t mode = git_tree_entry_filemode(entry.get());
        if (mode == GIT_FILEMODE_LINK) {
            out.kind = TreeEntryInfo::Kind::link;
            out.link = blob_text(m_repo.get(), *git_tree_entry_id(entry.get()));
        } else if (mode == GIT_FILEMODE_COMMIT) {
            out.kind = TreeEntryInfo::Kind::submodule;
        } else if (mode == GIT_FILEMODE_TREE) {
            out.kind = TreeEntryInfo::Kind::tree;
        }
        return out;
    });
}

Result<std::optional<StoredBlob>> Repository::read_file_bounded(const std::string& commit, const std::string& path,
                                                               std::uint64_t max_bytes) const {
    std::string id;
    std::string commit_sha;
    auto found = guarded([&]() -> bool {
        Result<std::string> sha = resolve_commit(commit, "head");
        if (!sha) throw GitFailure{sha.error().message};
        commit_sha = *sha;
        Tree tree = tree_of(m_repo.get(), *sha);
        git_tree_entry* raw_entry = nullptr;
        int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
        if (rc == GIT_ENOTFOUND) return false;
        check(rc, "looking up " + path);
        TreeEntry entry(raw_entry);
        if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return false;
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, git_tree_entry_id(entry.get()));
        id = hex;
        return true;
    });
    if (!found) return found.error();
    if (!*found) return std::optional<StoredBlob>();
    auto blob = read_blob(id, max_bytes);
    if (!blob) return blob.error();
    if (blob->text) {
        auto checked = guarded([&]() -> CheckoutText {
            git_oid oid = parse_oid(id);
            git_blob* raw_blob = nullptr;
            check(git_blob_lookup(&raw_blob, m_repo.get(), &oid), "blob " + path);
            Blob held(raw_blob);
            CheckoutText out = checkout_text(m_repo.get(), parse_oid(commit_sha), path, held.get(), std::move(*blob->text), id);
            if (out.error) throw GitFailure{*out.error};
            return out;
        });
        if (!checked) return checked.error();
        // A conversion can grow the text (CRLF, ident): the limit holds for what is read.
        blob->size = std::max<std::uint64_t>(blob->size, checked->text.size());
        if (checked->text.size() > max_bytes) blob->text.reset();
        else blob->text = std::move(checked->text);
        blob->unapplied = std::move(checked->unapplied);
        blob->unapplied_line = checked->unapplied_line;
        blob->archive_only = checked->archive_only;
        blob->attributes = std::move(checked->attributes);
    }
    return std::optional<StoredBlob>(std::move(*blob));
}

namespace {

struct Listing {
    const std::function<bool(std::string_view)>* wanted;
    std::vector<StoredFile> files;
};

int list_entry(const char* root, const git_tree_entry* entry, void* payload) {
    auto* listing = static_cast<Listing*>(payload);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) return 0;
    std::string path = std::string(root) + git_tree_entry_name(entry);
    if ((*listing->wanted)(path)) listing->files.push_back(StoredFile{std::move(path), hex(git_tree_entry_id(entry))});
    return 0;
}

bool by_path(const StoredFile& a, const StoredFile& b) { return a.path < b.path; }

}  // namespace

Result<std::vector<StoredFile>> Repository::list_blobs(const std::string& commit,
                                                       const std::function<bool(std::string_view)>& wanted) const {
    return guarded([&]() -> std::vector<StoredFile> {
        Result<std::string> sha = resolve_commit(commit, "base");
        if (!sha) throw GitFailure{sha.error().message};
        Tree tree = tree_of(m_repo.get(), *sha);
        Listing listing{&wanted, {}};
        check(git_tree_walk(tree.get(), GIT_TREEWALK_PRE, list_entry, &listing), "listing the files of " + *sha);
        std::sort(listing.files.begin(), listing.files.end(), by_path);
        return std::move(listing.files);
    });
}

namespace {

struct LinkListing {
    git_repository* repo;
    std::vector<std::pair<std::string, std::string>> links;
};

int list_link(const char* root, const git_tree_entry* entry, void* payload) {
    auto* listing = static_cast<LinkListing*>(payload);
    if (git_tree_entry_filemode(entry) != GIT_FILEMODE_LINK) return 0;
    // A link's text is a short path; a longer one is no path pgfence follows.
    listing->links.emplace_back(std::string(root) + git_tree_entry_name(entry), blob_text(listing->repo, *git_tree_entry_id(entry)));
    if (listing->links.back().second.size() > 4096) listing->links.back().second.clear();
    return 0;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> Repository::list_links(const std::string& commit) const {
    return guarded([&]() -> std::vector<std::pair<std::string, std::string>> {
        Result<std::string> sha = resolve_commit(commit, "head");
        if (!sha) throw GitFailure{sha.error().message};
        Tree tree = tree_of(m_repo.get(), *sha);
        LinkListing listing{m_repo.get(), {}};
        check(git_tree_walk(tree.get(), GIT_TREEWALK_PRE, list_link, &listing), "listing the links of " + *sha);
        std::sort(listing.links.begin(), listing.links.end());
        return std::move(listing.links);
    });
}

Result<std::vector<std::string>> Repository::list_files(const std::string& commit,
                                                        const std::function<bool(std::string_view)>& wanted) const {
    auto listed = list_blobs(commit, wanted);
    if (!listed) return listed.error();
    std::vector<std::string> paths;
    paths.reserve(listed->size());
    for (auto& file : *listed) paths.push_back(std::move(file.path));
    return paths;
}

Result<std::vector<StoredFile>> Repository::list_index(const std::function<bool(std::string_view)>& wanted) const {
    return guarded([&]() -> std::vector<StoredFile> {
        git_index* raw_index = nullptr;
        // In a hook git names the index the commit is made from (`git commit -a` or with paths
        // stages into a temporary one); libgit2 itself does not read the variable.
        const char* named = std::getenv("GIT_INDEX_FILE");
        if (named != nullptr && *named != '\0') check(git_index_open(&raw_index, named), "reading the index GIT_INDEX_FILE names");
        else check(git_repository_index(&raw_index, m_repo.get()), "reading the index");
        Index index(raw_index);
        std::vector<StoredFile> files;
        const std::size_t count = git_index_entrycount(index.get());
        for (std::size_t i = 0; i < count; ++i) {
            const git_index_entry* entry = git_index_get_byindex(index.get(), i);
            if (entry == nullptr || entry->path == nullptr || GIT_INDEX_ENTRY_STAGE(entry) != 0) continue;
            if (!is_file(static_cast<uint16_t>(entry->mode)) || (entry->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0) {
                continue;
            }
            if (wanted(entry->path)) files.push_back(StoredFile{entry->path, hex(&entry->id)});
        }
        std::sort(files.begin(), files.end(), by_path);
        return files;
    });
}

Result<StoredBlob> Repository::read_blob(const std::string& id, std::uint64_t max_bytes) const {
    return guarded([&]() -> StoredBlob {
        git_oid oid;
        check(git_oid_fromstr(&oid, id.c_str()), "bad object id '" + id + "'");
        git_odb* raw_odb = nullptr;
        check(git_repository_odb(&raw_odb, m_repo.get()), "opening the object database");
        Odb odb(raw_odb);
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        // The header alone: a packed object's size without inflating it.
        check(git_odb_read_header(&size, &type, odb.get(), &oid), "object " + id);
        if (type != GIT_OBJECT_BLOB) throw GitFailure{"git: object " + id + " is not a file"};
        StoredBlob out;
        out.size = size;
        if (size > max_bytes) return out;
        git_blob* raw_blob = nullptr;
        check(git_blob_lookup(&raw_blob, m_repo.get(), &oid), "blob " + id);
        Blob blob(raw_blob);
        const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
        out.size = static_cast<std::uint64_t>(git_blob_rawsize(blob.get()));
        out.text.emplace(data, static_cast<std::size_t>(out.size));
        return out;
    });
}

Result<std::string> Repository::blob_id(std::string_view bytes) {
    if (auto missing = open_libgit2()) return Error{*missing, "", std::nullopt};
    ensure_library();
    return guarded([&]() -> std::string {
        git_oid oid;
        check(git_odb_hash(&oid, bytes.data(), bytes.size(), GIT_OBJECT_BLOB), "hashing a file");
        return hex(&oid);
    });
}

}  // namespace pgfence::diff
