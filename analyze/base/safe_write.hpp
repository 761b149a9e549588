#pragma once
// Every file pgfence writes goes through here (STYLE.md "Advice and files"): plans, reports,
// SARIF, the pre-commit hook, standard input's copy. A checkout is the pull request's, and a
// link committed where an output goes (plans/migrations/x.sql -> ~/.ssh/authorized_keys) must
// not turn a write into one outside the folder pgfence was given. So the folder given (`base`,
// trusted as the user wrote it) is opened once, and every component below it is opened with
// openat(O_NOFOLLOW): a link anywhere below the base, or as the file itself, is an Error, and
// nothing is written. Missing folders are made with mkdirat; a file is written to a temporary
// file beside it and renamed over it, so a reader never sees half of it.
#include <sys/types.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::analyze {

struct WriteOptions {
    mode_t mode = 0644;           // of a new file (less the umask unless exact_mode)
    bool exact_mode = false;      // the mode as given, whatever the umask (an executable hook)
    bool create_base = false;     // make `base` itself (and its parents) when missing
    bool replace_link = false;    // a link at the file's own name is replaced (never followed)
    // A device or FIFO already at the file's name (-o /dev/null) is written in place; set for
    // the paths a user names (create_output_file), never for a path built from a repository's.
    bool allow_device = false;
};

// A file being written: its stream goes to a temporary file beside the final name, which
// commit() renames over it. Destroyed uncommitted, the temporary file is removed.
class OutputFile {
public:
    // `relative`: the file's path under `base`, '/'-separated, no "..", "." or leading '/'.
    [[nodiscard]] static Result<std::unique_ptr<OutputFile>> create(const std::string& base, const std::string& relative,
                                                                    const WriteOptions& options = {});
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    [[nodiscard]] std::ostream& stream();
    // Flushes, closes and renames into place; an Error (the disk is full, say) leaves the old file.
    [[nodiscard]] Status commit();
    [[nodiscard]] const std::string& shown_path() const { return m_shown; }

private:
    struct Impl;
    explicit OutputFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
    std::string m_shown;
};

// Writes `text` as base/relative (OutputFile, committed at once).
[[nodiscard]] Status write_file_under(const std::string& base, const std::string& relative, std::string_view text,
                                      const WriteOptions& options = {});
// Appends `text` to base/relative (created when missing, a device or FIFO written in place),
// never through a link.
[[nodiscard]] Status append_file_under(const std::string& base, const std::string& relative, std::string_view text);

// A path the user gave for one file (-o FILE, --sarif FILE): its folder as written (trusted),
// and its last component, which must not be a link. {"", ""} for a path with no file name.
struct SplitPath {
    std::string base;
    std::string name;
};
[[nodiscard]] SplitPath split_output_path(const std::string& path);

// OutputFile::create for a path the user gave (split_output_path), with allow_device.
[[nodiscard]] Result<std::unique_ptr<OutputFile>> create_output_file(const std::string& path,
                                                                     const WriteOptions& options = {});
[[nodiscard]] Status write_output_file(const std::string& path, std::string_view text, const WriteOptions& options = {});

}  // namespace pgfence::analyze
