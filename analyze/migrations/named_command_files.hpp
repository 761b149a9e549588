#pragma once
// The files a command file names as make's, just's or flyctl's, whatever their names (red team R89
// F1, F2): `make -f Makefile.deploy`, a Makefile's `include`, a justfile's `import` and `mod`,
// `just --justfile x`, `fly deploy --config deploy/prod.toml`. Each is read as a command file under
// command_view's name, so every reader keyed on a command file's name reads it as the tool does.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/deploy_commands.hpp"

namespace pgfence::analyze::tools {

enum class CommandKind { shell, make, just, fly };

// The name `path` is read under as a file of `kind`: its own when its name already says so
// (settings_surface.hpp make_file_name, just_file_name, fly_config_name), else one that does
// (`db.conf` -> `db.conf.mk`, `deploy/prod.toml` -> `deploy/fly.prod.toml`), in the same folder.
[[nodiscard]] std::string command_view(std::string_view path, CommandKind kind);

// A file a Makefile includes or a justfile imports, at `line`. `path`: repository-relative ("" when
// computed: then `word` is what names it). `module`: a just `mod`'s name (its recipes are `module::recipe`).
struct IncludedFile {
    int line = 1;
    std::string path;
    std::string word;
    std::string module;
};
// The include lines of a Makefile (`include`, `-include`, `sinclude`: GNU make manual, "Including
// Other Makefiles") or the import and mod lines of a justfile (just manual, "Imports", "Modules"),
// at most 64. A computed make include of dependency files (`-include $(OBJS:.o=.d)`) is left out.
[[nodiscard]] std::vector<IncludedFile> included_files(std::string_view path, std::string_view text, bool make);

// The files one command's words give make (`-f`, `--file`, `--makefile`), just (`--justfile`) or
// flyctl's deploy (`-c`, `--config`), read from `base`: (path, kind); a computed one has an empty path.
struct CommandFileNamed {
    std::string path;
    std::string word;
    CommandKind kind = CommandKind::make;
};
[[nodiscard]] std::vector<CommandFileNamed> files_named(const std::vector<std::string>& words, std::string_view base);

}  // namespace pgfence::analyze::tools
