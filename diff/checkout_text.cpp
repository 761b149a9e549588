#include "diff/checkout_text.hpp"

#include <git2.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace pgfence::diff {

// Mirrors ident_to_worktree in git's convert.c (git/git, convert.c): after each '$', "Id$" or
// "Id:<text>$" where <text> holds no '\n' and no ' ' before its last character is replaced by
// "Id: <hex> $"; an "Id:" with no '$' after it ends the scan. git replaces every occurrence
// (libgit2's ident filter only the first), so git's own loop is mirrored here.
std::string ident_to_worktree(std::string_view blob, std::string_view blob_id) {
    std::string out;
    out.reserve(blob.size());
    const char* src = blob.data();
    std::size_t len = blob.size();
    for (;;) {
        const char* dollar = len > 0 ? static_cast<const char*>(std::memchr(src, '$', len)) : nullptr;
        if (dollar == nullptr) break;
        out.append(src, static_cast<std::size_t>(dollar + 1 - src));
        len -= static_cast<std::size_t>(dollar + 1 - src);
        src = dollar + 1;
        if (len < 3 || std::memcmp("Id", src, 2) != 0) continue;
        if (src[2] == '$') {
            src += 3;
            len -= 3;
        } else if (src[2] == ':') {
            dollar = static_cast<const char*>(std::memchr(src + 3, '$', len - 3));
            if (dollar == nullptr) break;
            if (std::memchr(src + 3, '\n', static_cast<std::size_t>(dollar - src - 3)) != nullptr) continue;
            const char* spc = dollar - src - 4 > 0
                                  ? static_cast<const char*>(std::memchr(src + 4, ' ', static_cast<std::size_t>(dollar - src - 4)))
                                  : nullptr;
            if (spc != nullptr && spc < dollar - 1) continue;
            len -= static_cast<std::size_t>(dollar + 1 - src);
            src = dollar + 1;
        } else {
            continue;
        }
        out += "Id: ";
        out += blob_id;
        out += " $";
    }
    out.append(src, len);
    return out;
}

namespace {

std::string last_message() {
    const git_error* error = git_error_last();
    return error && error->message ? error->message : "unknown libgit2 error";
}

// Lone "\n" (not after "\r") becomes "\r\n": git's LF-to-CRLF output conversion.
std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

std::size_t count_crlf(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 1; i < text.size(); ++i) n += text[i] == '\n' && text[i - 1] == '\r';
    return n;
}

}  // namespace

CheckoutText checkout_text(git_repository* repo, const git_oid& commit, const std::string& path, git_blob* blob,
                           std::string raw, const std::string& blob_id) {
    CheckoutText out;
    // The attributes as git would see them for this commit's checkout.
    git_attr_options attr_options = GIT_ATTR_OPTIONS_INIT;
    attr_options.flags = GIT_ATTR_CHECK_FILE_THEN_INDEX | GIT_ATTR_CHECK_INCLUDE_COMMIT;
    attr_options.attr_commit_id = commit;
    std::array<const char*, 7> names{"ident", "filter", "working-tree-encoding", "text", "eol", "crlf", "export-subst"};
    std::array<const char*, 7> values{};
    if (git_attr_get_many_ext(values.data(), repo, &attr_options, path.c_str(), names.size(), names.data()) < 0) {
        out.error = "git: attributes of " + path + ": " + last_message();
        return out;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        switch (git_attr_value(values[i])) {
            case GIT_ATTR_VALUE_UNSPECIFIED: break;
            case GIT_ATTR_VALUE_TRUE: out.attributes += std::string(names[i]) + "\n"; break;
            case GIT_ATTR_VALUE_FALSE: out.attributes += "-" + std::string(names[i]) + "\n"; break;
            case GIT_ATTR_VALUE_STRING: out.attributes += std::string(names[i]) + "=" + values[i] + "\n"; break;
        }
    }
    const git_attr_value_t ident = git_attr_value(values[0]);
    const git_attr_value_t filter = git_attr_value(values[1]);
    const git_attr_value_t encoding = git_attr_value(values[2]);
    // A filter driver runs a command the repository's config names (gitattributes(5)
    // "filter"): its output cannot be known without running it.
    if (filter == GIT_ATTR_VALUE_TRUE || filter == GIT_ATTR_VALUE_STRING) {
        out.unapplied = std::string("its .gitattributes give it a filter driver (filter=") +
                        (filter == GIT_ATTR_VALUE_STRING ? values[1] : "") +
                        "), which rewrites it at checkout by a command pgfence does not run";
    } else if (encoding == GIT_ATTR_VALUE_STRING || encoding == GIT_ATTR_VALUE_TRUE) {
        out.unapplied = "its .gitattributes set working-tree-encoding, which re-encodes it at checkout "
                        "(pgfence does not apply that conversion)";
    } else if (ident == GIT_ATTR_VALUE_STRING) {
        out.unapplied = "its .gitattributes set ident to a value, a keyword expansion pgfence does not mirror";
    }
    // export-subst: `git archive` (GitHub's tarballs, Capistrano's default git deploy) replaces
    // each "$Format:<fmt>$" with the commit's data (git/archive.c format_subst, pretty.c), the
    // merge's subject or body, i.e. a pull request's title: what a deploy by archive runs is unknown.
    if (!out.unapplied && git_attr_value(values[6]) == GIT_ATTR_VALUE_TRUE) {
        if (std::size_t at = raw.find("$Format:"); at != std::string::npos && raw.find('$', at + 8) != std::string::npos) {
            out.unapplied = "its .gitattributes set export-subst and it holds a $Format:...$ placeholder, which "
                            "git archive replaces with commit data (a merge's message) pgfence cannot know";
            out.archive_only = true;
            out.unapplied_line = 1 + static_cast<int>(std::count(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        }
    }
    if (out.unapplied) {
        out.text = std::move(raw);
        return out;
    }
    // Line endings (text, eol, crlf and core.autocrlf): libgit2's filters, with this commit's
    // attributes. Its ident filter differs from git's (the first "$Id" only), so ident is
    // applied by the mirror of git's own above, and only the line endings are taken from here.
    git_blob_filter_options options = GIT_BLOB_FILTER_OPTIONS_INIT;
    options.flags |= GIT_BLOB_FILTER_ATTRIBUTES_FROM_COMMIT;
    options.attr_commit_id = commit;
    git_buf filtered = GIT_BUF_INIT;
    if (git_blob_filter(&filtered, blob, path.c_str(), &options) < 0) {
        out.error = "git: checkout filters of " + path + ": " + last_message();
        return out;
    }
    // With GIT_BLOB_FILTER_CHECK_FOR_BINARY (set by GIT_BLOB_FILTER_OPTIONS_INIT) libgit2 leaves
    // the buffer empty for a blob it takes for binary (a NUL, control bytes): git converts no line
    // endings there under text=auto, so the checkout holds the blob as stored.
    std::string converted = git_blob_is_binary(blob) ? raw : filtered.ptr ? std::string(filtered.ptr, filtered.size) : std::string();
    git_buf_dispose(&filtered);
    if (ident != GIT_ATTR_VALUE_TRUE) {
        out.text = std::move(converted);
        return out;
    }
    std::string text = ident_to_worktree(raw, blob_id);
    if (count_crlf(converted) > count_crlf(raw)) text = to_crlf(text);
    out.text = std::move(text);
    return out;
}

}  // namespace pgfence::diff
