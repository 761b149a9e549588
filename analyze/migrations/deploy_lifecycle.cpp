// The lifecycle scripts a package manager's pack, publish and version run (red team R85a F1), and
// a release tool's across the workspace (lerna, changesets), as the package scripts a deploy's
// commands run (deploy_packages.hpp).
#include <algorithm>
#include <initializer_list>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// npm 11.19 (lib/commands/pack.js -> libnpmpack: prepack, pacote's dir fetcher: prepare,
// postpack; lib/commands/publish.js: prepublishOnly, the pack's, publish, postpublish, `stage` the
// same; libnpmversion lib/version.js: preversion, version, postversion), each only for a package
// folder (`spec.type === 'directory'`) and never with --ignore-scripts. Yarn classic's publish
// runs prepublish as well, pnpm's pack ran prepublish and prepublishOnly too (the test matrix of
// cinderblock/test-npm-yarn-lifecycle-scripts), Yarn 2+'s pack and `yarn npm publish` prepack and
// postpack: the union counts. A name run through PackageScripts::why has its pre and post scripts
// read too (`publish`: prepublish, postpublish; `version`: preversion, postversion).
std::vector<std::string_view> lifecycle_of(std::string_view pm, std::string_view command) {
    if (command == "pack") {
        if (pm == "pnpm") return {"prepublish", "prepublishOnly", "prepack", "prepare", "postpack"};
        return {"prepack", "prepare", "postpack"};
    }
    if (command == "publish" || (pm == "npm" && command == "stage")) return {"prepublishOnly", "prepack", "prepare", "postpack", "publish"};
    if (command == "version") return {"version"};
    return {};
}

// A folder named as the package to pack or publish (npm-package-arg: a spec starting `.`, `/`, `~`
// or `file:` is a directory, or a .tgz file, which runs no script), or a word the shell computes
// (`"$PKG_DIR"`), which may be one.
bool folder_spec(std::string_view w) {
    return w.starts_with(".") || w.starts_with("/") || w.starts_with("~") || w.starts_with("file:") || w.find_first_of("$`") != std::string_view::npos;
}

// Where the release tool's subcommand starts: past its own flags.
std::size_t subcommand_at(const std::vector<std::string>& words, std::size_t from) {
    while (from < words.size() && flag_word(words[from])) ++from;
    return from;
}

}  // namespace

bool release_tool_runs(const std::vector<std::string>& words, std::size_t k, std::vector<ScriptRun>& out) {
    const std::string& program = words[k];
    const std::string tool = tool_word(program);
    // lerna-lite's CLI is lerna's (@lerna-lite/cli package.json: bin `lerna`; its publish and version
    // run the same lifecycle, packages/publish/src/__tests__/publish-lifecycle-scripts.spec.ts), also
    // run by its package's name (`npx @lerna-lite/cli publish`).
    const bool lerna = tool == "lerna" || tool == "lerna-lite" || program.starts_with("@lerna-lite/cli");
    const bool changesets = tool == "changeset" || program.starts_with("@changesets/cli");
    // release-it and np bump and publish the package where they run: `npm version` and `npm
    // publish` run its version and publish scripts (release-it's npm plugin, lib/plugin/npm/npm.js;
    // np's source/index.js: `npm test` first unless --no-tests, then version and publish).
    // semantic-release's npm plugin (a default plugin) does the same where it runs: @semantic-release/npm
    // lib/prepare.js `execa("npm", ["version", version, "--userconfig", npmrc, "--no-git-tag-version",
    // "--allow-same-version"], {cwd: basePath})`, lib/publish.js `npm publish <basePath> --userconfig ...`.
    if (tool == "release-it" || tool == "np" || tool == "semantic-release") {
        // (Each name's pre and post scripts are read with it: PackageScripts::why.)
        std::vector<std::string_view> names = lifecycle_of("npm", "version");
        for (std::string_view n : lifecycle_of("npm", "publish")) names.push_back(n);
        if (tool == "np") names.push_back("test");
        for (std::string_view name : names) out.push_back(ScriptRun{std::string(name), {}, {}, {}, false});
        return true;
    }
    if (!lerna && !changesets) return false;
    const std::size_t v = subcommand_at(words, k + 1);
    if (v >= words.size()) return false;
    const std::string& command = words[v];
    std::vector<std::string_view> names;
    bool root = false;
    if (lerna && (command == "publish" || command == "version")) {
        // lerna runs each package's and the root's lifecycle scripts (lerna/lerna
        // commands/publish/__tests__/publish-lifecycle-scripts.test.js: preversion, version,
        // postversion, prepare, prepublishOnly, postpublish for root and packages; its README's
        // "Lifecycle Scripts" adds prepublish, prepack, postpack and publish). publish versions first
        // unless `from-git` or `from-package`; the union counts either way.
        names = {"preversion", "version", "postversion"};
        if (command == "publish") {
            for (std::string_view n : {"prepublish", "prepare", "prepublishOnly", "prepack", "postpack", "publish", "postpublish"}) names.push_back(n);
        }
        root = true;
    } else if (changesets && command == "publish") {
        // `changeset publish` runs the package manager's publish in each package not yet on the
        // registry (changesets/changesets packages/cli/src/commands/publish/npm-utils.ts: `npm
        // publish`, `pnpm publish` or `yarn npm publish` in the package's folder): npm's publish scripts.
        names = lifecycle_of("npm", "publish");
    } else {
        return false;
    }
    // lerna's --ignore-scripts takes no value (yargs boolean): `--ignore-scripts false` sets it false.
    for (std::size_t i = v; i < words.size(); ++i) {
        if ((words[i] == "--ignore-scripts" && (i + 1 >= words.size() || words[i + 1] != "false")) || words[i] == "--ignore-scripts=true") return true;
    }
    for (std::string_view name : names) {
        ScriptRun each{std::string(name), {}, {}, {}, true};
        each.lerna = lerna;
        out.push_back(std::move(each));
        if (root) out.push_back(ScriptRun{std::string(name), {}, {}, {}, false});
    }
    return true;
}

bool lifecycle_runs(std::string_view pm, std::string_view command, const std::vector<std::string>& words, std::size_t at,
                    const std::optional<std::string>& folder, const std::optional<std::string>& workspace, bool every,
                    std::vector<ScriptRun>& out) {
    std::size_t v = at + 1;
    // `yarn npm publish` (Yarn 2+), `bun pm pack`.
    if ((pm == "yarn" && command == "npm" && v < words.size() && words[v] == "publish") ||
        (pm == "bun" && command == "pm" && v < words.size() && words[v] == "pack")) {
        command = words[v++];
    }
    const std::vector<std::string_view> names = lifecycle_of(pm, command);
    if (names.empty()) return false;
    std::vector<std::optional<std::string>> folders;
    // nopt reads a boolean flag's next word when it is `true` or `false`, and the last of a flag
    // given twice wins (npm 11 node_modules/nopt/lib/nopt-lib.js): `--ignore-scripts false` and
    // `--ignore-scripts --ignore-scripts=false` run them (red team R86 F4, R86b F4).
    bool ignore = false;
    for (; v < words.size() && words[v] != "--"; ++v) {
        const std::string& w = words[v];
        if (w == "--ignore-scripts") {
            ignore = true;
            if (v + 1 < words.size() && (words[v + 1] == "false" || words[v + 1] == "true")) ignore = words[++v] == "true";
            continue;
        }
        if (w.starts_with("--ignore-scripts=")) {
            ignore = w == "--ignore-scripts=true";
            continue;
        }
        if (w == "--no-ignore-scripts") {
            ignore = false;
            continue;
        }
        // Options whose value is no package (`--pack-destination ./dist`, `--tag next`).
        if (one_of(w, {"--pack-destination", "--tag", "--access", "--otp", "--registry", "--loglevel", "--userconfig", "--cache",
                       "--out", "--filename", "--provenance-file", "--auth-type", "--preid", "--message", "-m"})) {
            ++v;
            continue;
        }
        if (command == "version" || flag_word(w) || !folder_spec(w)) continue;
        if (w.ends_with(".tgz") || w.ends_with(".tar.gz") || w.ends_with(".tar")) continue;
        // Relative to where the command runs, as `npm run --prefix` is (an absolute or home folder: not found).
        folders.emplace_back(w.starts_with("file:") ? w.substr(5) : w);
        if (folders.size() >= 8) break;
    }
    if (ignore) return true;
    if (folders.empty()) folders.push_back(folder);
    for (const auto& f : folders) {
        for (std::string_view name : names) out.push_back(ScriptRun{std::string(name), {}, f, workspace, every});
    }
    return true;
}

}  // namespace pgfence::analyze::tools::deploy_detail
