#!/usr/bin/env python3
"""The VS Code extension (editors/vscode), built and checked as it ships:

1. scripts/vsix.sh builds pgfence-<version>.vsix (npm ci, tsc, vsce), <version> CMake's;
2. its manifest: the fields VS Code and the marketplace need, `main` in the .vsix, engines.vscode
   no older than vscode-languageclient's, every setting typed with a default of its type, and the
   settings the compiled extension reads are exactly the ones contributed (both ways); the same
   for commands;
3. its files: the manifest, README, the compiled JS, vscode-languageclient with the
   vscode-jsonrpc it runs on and the terminateProcess.sh it runs, the config schema; no src/, no
   tests, no dev tools, under a size bound;
4. out/server.js from the .vsix (how the extension starts the server, no vscode import), in node:
   which binary a setting runs, the initialization options, the message when it cannot start;
5. the handshake the extension does, without VS Code: `pgfence lsp` spawned with those same
   ServerOptions, spoken to with the .vsix's vscode-jsonrpc (tests/editors/vscode_handshake.cjs):
   initialize answers with text document sync and a CodeLens provider, a SQL migration and a
   TypeORM one opened get pgfence's finding as diagnostics and the lock mode as a CodeLens,
   shutdown and exit end it with code 0. Skipped with one `skip:` line while the binary has no
   `lsp` command (`pgfence help lsp` fails and `pgfence help` does not list it).

Prints one `ok:`/`FAILED:` line per check and `vscode: N passed, N failed` last; exits 1 when one
failed. Without node and npm, or when the npm registry cannot be reached (first run, empty cache),
prints one `skip:` line and exits 77, except under CI (CI=true), where that is a failure.

    vscode_test.py [--root REPO] [--pgfence BINARY]     defaults: this checkout, build/bot/pgfence
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE_LIMIT = 2 * 1024 * 1024  # 0.5 MB today: the client and vscode-languageclient, unbundled
NETWORK = re.compile(r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|offline", re.I)


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, why=""):
        if ok:
            self.passed += 1
            print(f"ok: vscode: {what}")
        else:
            self.failed += 1
            print(f"FAILED: vscode: {what}" + (f": {why}" if why else ""))
        return ok

    def finish(self):
        print(f"vscode: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def skip(why):
    if os.environ.get("CI") == "true":
        print(f"FAILED: vscode: {why} (in CI the extension must be built and tested)")
        print("vscode: 0 passed, 1 failed")
        sys.exit(1)
    print(f"skip: vscode: {why}")
    sys.exit(77)


def version_tuple(text):
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", text or "")
    return tuple(map(int, m.groups())) if m else None


def build(root, out):
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            skip(f"{tool} is not installed (scripts/setup.sh installs Debian's nodejs and npm)")
    run = subprocess.run(["bash", os.path.join(root, "scripts", "vsix.sh"), out], capture_output=True, text=True, timeout=900)
    if run.returncode != 0 and NETWORK.search(run.stderr):
        skip("npm ci cannot reach the npm registry (" + NETWORK.search(run.stderr).group(0) + ")")
    return run


def setting_keys(js):
    """The keys out/extension.js reads with getConfiguration('pgfence').get(KEY), and the trace
    setting vscode-languageclient reads as <client id>.trace.server."""
    keys = set()
    for var in re.findall(r"(?:const|let|var)\s+(\w+)\s*=\s*\w+\.workspace\.getConfiguration\(\s*['\"]pgfence['\"]\s*\)", js):
        keys |= set(re.findall(rf"\b{var}\.get\(\s*['\"]([\w.]+)['\"]", js))
    for client_id in re.findall(r"LanguageClient\(\s*['\"]([\w.-]+)['\"]", js):
        if client_id == "pgfence":
            keys.add("trace.server")
    return {f"pgfence.{k}" for k in keys}


def check_manifest(c, m, files, js, source_pkg, version, schema_text):
    for field in ("name", "publisher", "displayName", "description", "version", "main", "categories", "repository"):
        c.check(m.get(field), f"package.json has {field}", "missing or empty")
    c.check(m.get("name") == "pgfence" and m.get("publisher") == "pgfence", "the extension is pgfence.pgfence",
            f"{m.get('publisher')}.{m.get('name')}")
    c.check(m.get("version") == version, f"its version is CMake's project version {version}", m.get("version"))
    main = os.path.normpath(os.path.join("extension", m.get("main", ""))).replace(os.sep, "/")
    if not main.endswith(".js"):
        main += ".js"
    c.check(main in files, f"main ({m.get('main')}) is in the .vsix", main)

    engine = version_tuple(m.get("engines", {}).get("vscode"))
    client = json.loads(files.get("extension/node_modules/vscode-languageclient/package.json", b"{}"))
    needs = version_tuple(client.get("engines", {}).get("vscode"))
    types = version_tuple(source_pkg.get("devDependencies", {}).get("@types/vscode"))
    c.check(engine and needs and engine >= needs, f"engines.vscode {m.get('engines', {}).get('vscode')} is no older than "
            f"vscode-languageclient {client.get('version')}'s {client.get('engines', {}).get('vscode')}")
    c.check(engine and types and types <= engine, "@types/vscode is no newer than engines.vscode (the API it may use)",
            f"{types} > {engine}")

    events = m.get("activationEvents", [])
    c.check("*" not in events and "onLanguage:sql" in events, "it activates on SQL files, not on every start", events)
    for folder in ("migrations", "migration", "migrate"):
        c.check(any(e.startswith("workspaceContains:") and f"/{folder}/" in e for e in events),
                f"it activates in a workspace with a {folder}/ folder of scripts")

    props = m.get("contributes", {}).get("configuration", {}).get("properties", {})
    json_types = {"string": str, "boolean": bool, "number": (int, float), "integer": int, "array": list, "object": dict}
    for key, spec in sorted(props.items()):
        t = json_types.get(spec.get("type"))
        ok = t is not None and "default" in spec and isinstance(spec["default"], t) and not (t is int and isinstance(spec["default"], bool))
        ok = ok and ("enum" not in spec or spec["default"] in spec["enum"])
        c.check(ok and spec.get("markdownDescription", spec.get("description")), f"setting {key}: a type, a default of that type, a description", spec)
    read = setting_keys(js)
    c.check(read == set(props), f"the settings the extension reads ({', '.join(sorted(read))}) are those it contributes",
            f"read, not contributed: {sorted(read - set(props))}; contributed, never read: {sorted(set(props) - read)}")
    c.check(re.search(r"affectsConfiguration\(\s*['\"]pgfence['\"]\s*\)", js), "a change of any pgfence.* setting restarts the server")
    restricted = m.get("capabilities", {}).get("untrustedWorkspaces", {}).get("restrictedConfigurations", [])
    c.check("pgfence.path" in restricted and set(restricted) <= set(props), "pgfence.path is restricted in untrusted workspaces", restricted)

    contributed = {cmd["command"] for cmd in m.get("contributes", {}).get("commands", [])}
    registered = set(re.findall(r"registerCommand\(\s*['\"]([\w.]+)['\"]", js))
    c.check(contributed == registered and "pgfence.restartServer" in registered,
            f"the commands registered ({', '.join(sorted(registered))}) are those contributed", f"contributed {sorted(contributed)}")

    for v in m.get("contributes", {}).get("jsonValidation", []):
        target = os.path.normpath(os.path.join("extension", v["url"])).replace(os.sep, "/")
        c.check(files.get(target, b"").decode() == schema_text, f"{v['fileMatch']} is validated by docs/pgfence-config.schema.json ({target})")


def check_files(c, z, files):
    names = set(files)
    for need in ("extension/package.json", "extension/README.md", "extension/out/extension.js", "extension/out/server.js",
                 "extension/node_modules/vscode-languageclient/lib/node/main.js",
                 "extension/node_modules/vscode-jsonrpc/lib/node/main.js",
                 "extension/node_modules/vscode-languageserver-protocol/lib/node/main.js"):
        c.check(need in names, f"the .vsix holds {need}")
    info = {i.filename: i for i in z.infolist()}
    term = info.get("extension/node_modules/vscode-languageclient/lib/node/terminateProcess.sh")
    c.check(term and (term.external_attr >> 16) & stat.S_IXUSR, "vscode-languageclient's terminateProcess.sh is in it, executable (it stops the server with it)")
    unwanted = sorted(n for n in names if n.startswith(("extension/src/", "extension/tests/", "extension/test/"))
                      or re.match(r"extension/[^/]*\.(ts|vsix)$|extension/(tsconfig\.json|package-lock\.json|\.vscodeignore|\.gitignore)$", n)
                      or re.match(r"extension/node_modules/(typescript|@vscode/vsce|@types)/", n))
    c.check(not unwanted, "no sources, tests, build files or dev tools in it", ", ".join(unwanted[:5]))
    outside = sorted(n for n in names if not n.startswith(("extension/out/", "extension/node_modules/", "extension/schemas/"))
                     and n not in ("extension/package.json", "extension/README.md", "extension/CHANGELOG.md", "extension/LICENSE.txt",
                                   "extension.vsixmanifest", "[Content_Types].xml"))
    c.check(not outside, "nothing else at its top", ", ".join(outside[:5]))


def check_server_module(c, ext, work, pgfence):
    """out/server.js, from the .vsix, called in node as extension.ts calls it."""
    ws = os.path.join(work, "pure")
    os.makedirs(os.path.join(ws, "node_modules", ".bin"))
    local = os.path.join(ws, "node_modules", ".bin", "pgfence")
    os.symlink(os.path.abspath(pgfence), local)
    # A workspace with the npm package: its vendored binary for the machine, not the node launcher.
    npm_ws = os.path.join(work, "npm")
    vendored = os.path.join(npm_ws, "node_modules", "pgfence", "vendor", "linux-x64", "bin", "pgfence")
    os.makedirs(os.path.dirname(vendored))
    os.makedirs(os.path.join(npm_ws, "node_modules", ".bin"))
    os.symlink(os.path.abspath(pgfence), vendored)
    os.symlink(os.path.abspath(pgfence), os.path.join(npm_ws, "node_modules", ".bin", "pgfence"))
    script = r"""
const s = require(process.argv[1]), ws = process.argv[2], npmWs = process.argv[3];
const base = { path: 'pgfence', statsFile: '', codeLens: true, workspaceFolder: ws, trusted: true };
const out = {
  trusted: s.serverOptions(base),
  untrusted: s.serverOptions({ ...base, trusted: false }),
  relative: s.serverOptions({ ...base, path: 'tools/pgfence' }),
  noFolder: s.serverOptions({ ...base, workspaceFolder: undefined }),
  npmX64: s.serverCommand({ ...base, workspaceFolder: npmWs }, 'x64'),
  npmOther: s.serverCommand({ ...base, workspaceFolder: npmWs }, 'ia32'),
  init: s.initializationOptions({ ...base, statsFile: 'ops/stats.json', codeLens: false }),
  initNone: s.initializationOptions(base),
  mac: s.cannotStart(base, 'darwin'),
  windows: s.cannotStart(base, 'win32'),
  missing: s.cannotStart({ ...base, trusted: false }, 'linux', '/nonexistent'),
  found: s.cannotStart(base, 'linux', '/nonexistent') || null,
  selector: s.documentSelector,
  watched: s.watchedFiles,
};
console.log(JSON.stringify(out));
"""
    run = subprocess.run(["node", "-e", script, os.path.join(ext, "out", "server.js"), ws, npm_ws], capture_output=True, text=True, timeout=60)
    if not c.check(run.returncode == 0, "out/server.js loads in node without vscode", run.stderr.strip()[-300:]):
        return
    r = json.loads(run.stdout)
    c.check(r["trusted"] == {"command": local, "args": ["lsp"], "transport": 0, "options": {"cwd": ws}},
            "a trusted workspace's node_modules/.bin/pgfence runs as `pgfence lsp` over stdio, in the workspace folder", r["trusted"])
    c.check(r["untrusted"]["command"] == "pgfence", "an untrusted workspace's own binary is not run (the PATH's is)", r["untrusted"]["command"])
    c.check(r["relative"]["command"] == os.path.join(ws, "tools", "pgfence"), "a relative pgfence.path is under the workspace folder", r["relative"]["command"])
    c.check(r["npmX64"] == vendored and r["npmOther"] == os.path.join(npm_ws, "node_modules", ".bin", "pgfence"),
            "with the npm package: its vendored binary for the machine (no node launcher), else node_modules/.bin", r["npmX64"])
    c.check(r["noFolder"]["command"] == "pgfence" and r["noFolder"]["options"] == {}, "without a folder: pgfence from the PATH", r["noFolder"])
    main_js = open(os.path.join(ext, "node_modules", "vscode-languageclient", "lib", "node", "main.js")).read()
    c.check(re.search(r'TransportKind\[TransportKind\["stdio"\] = 0\]', main_js), "transport 0 is vscode-languageclient's TransportKind.stdio")
    c.check(r["init"] == {"statsFile": os.path.join(ws, "ops", "stats.json"), "codeLens": False} and r["initNone"] == {"statsFile": None, "codeLens": True},
            "initializationOptions: statsFile absolute (null when unset), codeLens", r["init"])
    c.check("Linux only" in r["mac"] and "macOS" in r["mac"] and "Windows" in r["windows"] and "WSL" in r["mac"],
            "on macOS and Windows: Linux only, and where to run it instead", r["mac"])
    c.check(all(w in (r["missing"] or "") for w in ("npm i -D pgfence", ".deb", "tarball", "pgfence.path")),
            "a binary that is not there: how to install it", r["missing"])
    c.check(r["found"] is None, "a binary that is there is started", r["found"])
    c.check({"scheme": "file", "language": "sql"} in r["selector"] and any("migrations" in d.get("pattern", "") for d in r["selector"]),
            "documents: SQL files and migration scripts", r["selector"])
    c.check("**/*.sql" in r["watched"] and any(".pgfence" in w for w in r["watched"]), "watched: SQL files and .pgfence.toml/.json", r["watched"])


def check_handshake(c, root, ext, work, pgfence):
    # Skipped only when neither `pgfence help lsp` works nor `pgfence help` lists lsp.
    probe = subprocess.run([pgfence, "help", "lsp"], capture_output=True, text=True, timeout=60)
    listing = subprocess.run([pgfence, "help"], capture_output=True, text=True, timeout=60).stdout
    if probe.returncode != 0 and not re.search(r"^\s+lsp\b", listing, re.M):
        first = (probe.stderr or probe.stdout).strip().splitlines()
        print(f"skip: vscode: the handshake: {pgfence} has no lsp command yet ({first[0] if first else f'exit {probe.returncode}'})")
        return
    ws = os.path.join(work, "project")
    for d in ("migrations", "src/migrations", "node_modules/.bin"):
        os.makedirs(os.path.join(ws, d))
    os.symlink(os.path.abspath(pgfence), os.path.join(ws, "node_modules", ".bin", "pgfence"))
    sql = os.path.join(ws, "migrations", "002_index.sql")
    with open(sql, "w") as f:
        f.write("-- the index, as a first try would write it\nCREATE INDEX users_email_idx ON users (email);\n")
    ts = os.path.join(ws, "src", "migrations", "1700000000000-AddUserEmail.ts")
    shutil.copy(os.path.join(root, "tests", "orm", "fixes", "typeorm", "create_index_raw", "before", "1700000000000-AddUserEmail.ts"), ts)
    settings = {"path": "pgfence", "statsFile": "", "codeLens": True, "workspaceFolder": ws, "trusted": True}
    docs = [{"path": sql, "languageId": "sql"}, {"path": ts, "languageId": "typescript"}]
    run = subprocess.run(["node", os.path.join(HERE, "vscode_handshake.cjs"), ext, json.dumps(settings), json.dumps(docs)],
                         capture_output=True, text=True, timeout=180)
    try:
        r = json.loads(run.stdout)
    except ValueError:
        c.check(False, "the handshake ran", (run.stderr or run.stdout).strip()[-500:])
        return
    tail = r.get("stderr", "").strip()[-300:]
    c.check(r.get("command", "").endswith("node_modules/.bin/pgfence"), "the extension's ServerOptions ran the workspace's pgfence", r.get("command"))
    caps = (r.get("initialize") or {}).get("capabilities")
    if not c.check(caps is not None, "pgfence lsp answers initialize", f"{r.get('error')}; its standard error: {tail or '(empty)'}"):
        return
    sync = caps.get("textDocumentSync")
    sync_ok = sync in (1, 2) or (isinstance(sync, dict) and sync.get("openClose") and sync.get("change") in (1, 2))
    c.check(sync_ok, "textDocumentSync: open, close and changes (full or incremental)", sync)
    c.check(caps.get("codeLensProvider") is not None, "a CodeLens provider (pgfence.codeLens)", sorted(caps))
    for doc, line in ((sql, 1), (ts, 8)):
        name = os.path.relpath(doc, ws)
        diags = r["diagnostics"].get(doc)
        if not c.check(diags is not None, f"{name}: diagnostics published", r.get("error") or tail):
            continue
        hit = [d for d in diags if "create-index-without-concurrently" in json.dumps(d)]
        c.check(hit and hit[0]["range"]["start"]["line"] == line, f"{name}: create-index-without-concurrently on line {line + 1}",
                [(d.get("code"), d["range"]["start"]["line"]) for d in diags])
        lenses = r["codeLenses"].get(doc) or []
        titles = [(le.get("command") or {}).get("title", "") for le in lenses if le["range"]["start"]["line"] == line]
        c.check(any("SHARE" in t.upper() for t in titles), f"{name}: a CodeLens with the SHARE lock above the CREATE INDEX",
                [((le.get("command") or {}).get("title"), le["range"]["start"]["line"]) for le in lenses])
    c.check(r.get("shutdown", "missing") is None and r.get("exitCode") == 0, "shutdown then exit: pgfence lsp ends with code 0",
            r.get("error") or f"shutdown {r.get('shutdown', 'no answer')}, exit {r.get('exitCode')}; {tail}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--pgfence", default=None)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    pgfence = os.path.abspath(args.pgfence or os.path.join(root, "build", "bot", "pgfence"))
    if not os.access(pgfence, os.X_OK):
        print(f"error: {pgfence} is not built: build first with scripts/setup.sh", file=sys.stderr)
        return 2
    with open(os.path.join(root, "CMakeLists.txt")) as f:
        version = re.search(r"project\(pgfence VERSION ([0-9.]+)", f.read()).group(1)
    c = Checks()
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "out")
        run = build(root, out)
        built = sorted(os.listdir(out)) if os.path.isdir(out) else []
        vsix = os.path.join(out, f"pgfence-{version}.vsix")
        if not c.check(run.returncode == 0 and built == [os.path.basename(vsix)], f"scripts/vsix.sh builds pgfence-{version}.vsix alone",
                       (run.stderr.strip()[-800:] or f"made {built}")):
            return c.finish()
        size = os.path.getsize(vsix)
        c.check(size < SIZE_LIMIT, f"the .vsix is {size // 1024} KB, under {SIZE_LIMIT // 1048576} MB")
        with zipfile.ZipFile(vsix) as z:
            files = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
            check_files(c, z, files)
            ext = os.path.join(work, "vsix")
            z.extractall(ext)
        ext = os.path.join(ext, "extension")
        with open(os.path.join(root, "editors", "vscode", "package.json")) as f:
            source_pkg = json.load(f)
        with open(os.path.join(root, "docs", "pgfence-config.schema.json")) as f:
            schema_text = f.read()
        manifest = json.loads(files.get("extension/package.json", b"{}"))
        js = files.get("extension/out/extension.js", b"").decode()
        check_manifest(c, manifest, files, js, source_pkg, version, schema_text)
        check_server_module(c, ext, work, pgfence)
        check_handshake(c, root, ext, work, pgfence)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
