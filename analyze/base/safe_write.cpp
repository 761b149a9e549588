#include "analyze/base/safe_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ext/stdio_filebuf.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <vector>

namespace pgfence::analyze {
namespace {

// Closes the descriptor on every path out.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    Fd(Fd&& other) noexcept : fd(other.fd) { other.fd = -1; }
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd, other.fd);
        return *this;
    }
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string joined(const std::string& base, std::string_view relative) {
    if (base.empty() || base == ".") return std::string(relative);
    return base + (base.back() == '/' ? "" : "/") + std::string(relative);
}

Error failure(const std::string& shown, const std::string& why) { return Error{why, shown, std::nullopt}; }

// The components of `relative`, or an Error when one would leave the base.
Result<std::vector<std::string>> components(const std::string& base, const std::string& relative) {
    std::vector<std::string> parts;
    if (relative.empty() || relative.front() == '/') {
        return failure(joined(base, relative), "not a relative path under " + (base.empty() ? "." : base) + ": not written");
    }
    std::size_t begin = 0;
    while (begin <= relative.size()) {
        std::size_t end = std::min(relative.find('/', begin), relative.size());
        std::string part = relative.substr(begin, end - begin);
        if (part == ".." || part == ".") {
            return failure(joined(base, relative), "leaves the folder it is written to: not written");
        }
        if (!part.empty()) parts.push_back(std::move(part));
        begin = end + 1;
    }
    if (parts.empty()) return failure(joined(base, relative), "no file name: not written");
    return parts;
}

// The folder that will hold the file: `base`, then each of `dirs` below it without following
// a link, made when missing.
Result<Fd> open_folder(const std::string& base, const std::vector<std::string>& dirs, bool create_base) {
    const std::string base_path = base.empty() ? "." : base;
    if (create_base) {
        std::error_code ec;
        std::filesystem::create_directories(base_path, ec);  // the user's own folder: links allowed
    }
    Fd dir(::open(base_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0) return failure(base_path, std::string("cannot open the folder: ") + std::strerror(errno));
    std::string shown = base;
    for (const auto& part : dirs) {
        shown = joined(shown, part);
        Fd next(::openat(dir.fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (next.fd < 0 && errno == ENOENT) {
            if (::mkdirat(dir.fd, part.c_str(), 0755) != 0 && errno != EEXIST) {
                return failure(shown, std::string("cannot make the folder: ") + std::strerror(errno));
            }
            next = Fd(::openat(dir.fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        if (next.fd < 0) {
            struct stat st {};
            if (::fstatat(dir.fd, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
                return failure(shown, "is a symbolic link: nothing is written through it");
            }
            if (errno == ENOTDIR) return failure(shown, "is not a folder: not written");
            return failure(shown, std::string("cannot open the folder: ") + std::strerror(errno));
        }
        dir = std::move(next);
    }
    return dir;
}

// What is at `name` now may be replaced or appended to only when it is a regular file or nothing.
Status check_final(int dir, const std::string& name, const std::string& shown) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Done{};
    if (S_ISLNK(st.st_mode)) return failure(shown, "is a symbolic link: nothing is written through it");
    if (!S_ISREG(st.st_mode)) return failure(shown, "is not a regular file: not written");
    return Done{};
}

std::string temporary_name(const std::string& name) {
    static std::atomic<unsigned> counter{0};
    auto stamp = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
    return "." + name + ".pgfence-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(stamp % 1000000007ULL);
}

}  // namespace

struct OutputFile::Impl {
    Fd dir;
    std::string name;
    std::string temporary;
    std::unique_ptr<__gnu_cxx::stdio_filebuf<char>> buffer;
    std::unique_ptr<std::ostream> stream;
    bool committed = false;
};

OutputFile::OutputFile(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

OutputFile::~OutputFile() {
    if (!m_impl || m_impl->committed) return;
    m_impl->stream.reset();
    m_impl->buffer.reset();  // closes the descriptor
    if (!m_impl->temporary.empty()) ::unlinkat(m_impl->dir.fd, m_impl->temporary.c_str(), 0);
}

Result<std::unique_ptr<OutputFile>> OutputFile::create(const std::string& base, const std::string& relative,
                                                       const WriteOptions& options) {
    auto parts = components(base, relative);
    if (!parts) return parts.error();
    std::string name = parts->back();
    parts->pop_back();
    auto dir = open_folder(base, *parts, options.create_base);
    if (!dir) return dir.error();
    const std::string shown = joined(base, relative);
    struct stat st {};
    const bool exists = ::fstatat(dir->fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    const bool link = exists && S_ISLNK(st.st_mode);
    const bool device = exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) && options.allow_device;
    if (!(link && options.replace_link) && !device) {
        if (auto ok = check_final(dir->fd, name, shown); !ok) return ok.error();
    }
    auto impl = std::make_unique<Impl>();
    impl->dir = std::move(*dir);
    impl->name = name;
    impl->temporary = device ? std::string() : temporary_name(name);
    int fd = device ? ::openat(impl->dir.fd, name.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
                    : ::openat(impl->dir.fd, impl->temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                               options.mode);
    if (fd < 0) return failure(shown, std::string("cannot write: ") + std::strerror(errno));
    if (options.exact_mode) ::fchmod(fd, options.mode);
    impl->buffer = std::make_unique<__gnu_cxx::stdio_filebuf<char>>(fd, std::ios::out | std::ios::binary, 64 * 1024);
    impl->stream = std::make_unique<std::ostream>(impl->buffer.get());
    std::unique_ptr<OutputFile> file(new OutputFile(std::move(impl)));
    file->m_shown = shown;
    return file;
}

std::ostream& OutputFile::stream() { return *m_impl->stream; }

Status OutputFile::commit() {
    Impl& impl = *m_impl;
    impl.stream->flush();
    bool written = static_cast<bool>(*impl.stream);
    bool closed = impl.buffer->close() != nullptr;
    impl.stream.reset();
    impl.buffer.reset();
    if (!written || !closed) {
        if (!impl.temporary.empty()) ::unlinkat(impl.dir.fd, impl.temporary.c_str(), 0);
        impl.committed = true;
        return failure(m_shown, "cannot write: the file system refused it (full, or read-only)");
    }
    impl.committed = true;
    if (impl.temporary.empty()) return Done{};  // a device, written in place
    // A link put in its place meanwhile is replaced, never written through.
    if (::renameat(impl.dir.fd, impl.temporary.c_str(), impl.dir.fd, impl.name.c_str()) != 0) {
        int error = errno;
        ::unlinkat(impl.dir.fd, impl.temporary.c_str(), 0);
        return failure(m_shown, std::string("cannot write: ") + std::strerror(error));
    }
    return Done{};
}

Status write_file_under(const std::string& base, const std::string& relative, std::string_view text,
                        const WriteOptions& options) {
    auto file = OutputFile::create(base, relative, options);
    if (!file) return file.error();
    (*file)->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    return (*file)->commit();
}

Status append_file_under(const std::string& base, const std::string& relative, std::string_view text) {
    auto parts = components(base, relative);
    if (!parts) return parts.error();
    std::string name = parts->back();
    parts->pop_back();
    auto dir = open_folder(base, *parts, false);
    if (!dir) return dir.error();
    const std::string shown = joined(base, relative);
    struct stat st {};
    const bool device = ::fstatat(dir->fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                        (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
    if (!device) {
        if (auto ok = check_final(dir->fd, name, shown); !ok) return ok.error();
    }
    Fd file(::openat(dir->fd, name.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (file.fd < 0) {
        if (errno == ELOOP) return failure(shown, "is a symbolic link: nothing is written through it");
        return failure(shown, std::string("cannot write: ") + std::strerror(errno));
    }
    for (std::size_t done = 0; done < text.size();) {
        ssize_t n = ::write(file.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return failure(shown, std::string("cannot write: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    return Done{};
}

SplitPath split_output_path(const std::string& path) {
    std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return {".", path};
    std::string name = path.substr(slash + 1);
    std::string base = slash == 0 ? "/" : path.substr(0, slash);
    return {base, name};
}

Result<std::unique_ptr<OutputFile>> create_output_file(const std::string& path, const WriteOptions& options) {
    SplitPath split = split_output_path(path);
    if (split.name.empty() || split.name == "." || split.name == "..") {
        return failure(path, "names a folder, not a file: not written");
    }
    WriteOptions user = options;
    user.allow_device = true;
    return OutputFile::create(split.base, split.name, user);
}

Status write_output_file(const std::string& path, std::string_view text, const WriteOptions& options) {
    auto file = create_output_file(path, options);
    if (!file) return file.error();
    (*file)->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    return (*file)->commit();
}

}  // namespace pgfence::analyze
