#pragma once
// Libraries only some commands need (libpq for trace and extract-stats, libgit2 for pr and
// --changed-since) are opened when one of those commands first needs them, not when pgfence
// starts: loading them and the thirty libraries they bring costs a run of `pgfence analyze`
// some ten milliseconds of CPU for nothing, and a machine without them can still analyze.
//
// A library's functions are declared by its own header and defined by us as forwarders
// (trace/libpq_lazy.cpp, diff/libgit2_lazy.cpp) that call through a table filled here.
#include <optional>
#include <span>
#include <string>
#include <type_traits>

namespace pgfence {

// One function of a library: its name and where its address goes.
struct LazySymbol {
    const char* name;
    void* slot;  // points at a function pointer
};

// What a library is and who needs it, for the error line when it cannot be opened.
struct LazyLibraryInfo {
    const char* soname;       // the name it is opened by (from the build: its SONAME)
    const char* environment;  // a variable that may name another file to open instead
    const char* needed_for;   // "trace mode and extract-stats"
    const char* package;      // the Debian package that has it
};

// Opens the library once per process and fills every slot (all at once, so a forwarder
// never resolves anything later, e.g. inside a signal handler). Returns nullopt when it is
// ready, or the error line saying what is missing and how to install it. Thread-safe.
[[nodiscard]] std::optional<std::string> open_lazy_library(const LazyLibraryInfo& info, std::span<const LazySymbol> symbols);

// Thrown by a forwarder called before its library could be opened.
[[noreturn]] void throw_missing_library(const std::string& error);

}  // namespace pgfence

// For a library's list of functions, an X-macro of X(return type, name, (parameters),
// (arguments)), in a file that defines `Table g_table` and `lazy_open()` in an unnamed namespace:
// the table's slot, its entry for open_lazy_library, and the forwarder, which has the
// library's own signature (the static_assert checks it against the library's header).
#define PGFENCE_LAZY_SLOT(ret, name, params, args) ret(*name) params = nullptr;
#define PGFENCE_LAZY_ENTRY(ret, name, params, args) ::pgfence::LazySymbol{#name, &g_table.name},
#define PGFENCE_LAZY_FORWARD(ret, name, params, args)                                        \
    static_assert(std::is_same_v<decltype(&::name), ret(*) params>, #name);                 \
    extern "C" ret name params {                                                            \
        if (g_table.name == nullptr) {                                                      \
            if (auto error = lazy_open()) ::pgfence::throw_missing_library(*error);         \
        }                                                                                   \
        return g_table.name args;                                                           \
    }
