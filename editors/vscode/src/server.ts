// How the extension starts `pgfence lsp`, with no `vscode` import: extension.ts uses it, and
// tests/editors/vscode_test.py loads it from the packed .vsix to run the same handshake in node.
import * as fs from 'fs';
import * as path from 'path';

/** The settings that decide how the server runs (contributed in package.json as pgfence.*). */
export interface Settings {
  /** pgfence.path: a bare name (node_modules/.bin, then PATH), an absolute or a relative path. */
  path: string;
  /** pgfence.statsFile: relative to the workspace folder; '' for none. */
  statsFile: string;
  /** pgfence.codeLens: the lock mode above each statement. */
  codeLens: boolean;
  /** The first workspace folder on disk, if any: relative paths and node_modules/.bin are under it. */
  workspaceFolder?: string;
  /** Workspace trust: an untrusted workspace's own binary is never run. */
  trusted: boolean;
}

/** vscode-languageclient's Executable (its TransportKind.stdio is 0), spelled without importing it. */
export interface ServerExecutable {
  command: string;
  args: string[];
  transport: 0;
  options: { cwd?: string };
}

/** What the server is told in `initialize` (InitializeParams.initializationOptions). */
export interface InitializationOptions {
  /** Absolute, so the server needs no working directory to find it; null for none. */
  statsFile: string | null;
  codeLens: boolean;
}

export const DEFAULT_PATH = 'pgfence';
export const INSTALL_URL = 'https://github.com/pgfence/action/blob/main/docs/install.md';

/** SQL files, and TypeScript/JavaScript migrations (TypeORM, Knex, Sequelize, db-migrate). */
export const MIGRATION_SCRIPTS = '**/{migrations,migration,migrate}/**/*.{ts,js,mjs,cjs}';
export const documentSelector = [
  { scheme: 'file', language: 'sql' },
  { scheme: 'file', pattern: MIGRATION_SCRIPTS },
];
/** Changes the server hears of (workspace/didChangeWatchedFiles) even for files not open. */
export const watchedFiles = ['**/*.sql', '**/.pgfence.{toml,json}', MIGRATION_SCRIPTS];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file a bare command name runs, searched as a shell would; undefined when none. */
export function findOnPath(name: string, envPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** npm's names for the architectures the npm package has a binary for (its vendor/ folders). */
const NPM_VENDOR: Record<string, string> = { x64: 'linux-x64', arm64: 'linux-arm64' };

/**
 * The command to run. A bare name, in a trusted workspace that has the npm package `pgfence`
 * (`npm i -D pgfence`): its binary for this machine, node_modules/pgfence/vendor/linux-ARCH/bin/pgfence
 * (a /bin/sh script that execs pgfence: no `node` on the PATH needed, no launcher in between),
 * else node_modules/.bin/NAME; otherwise NAME on the PATH. A relative path is under the
 * workspace folder.
 */
export function serverCommand(settings: Settings, arch: string = process.arch): string {
  const setting = settings.path.trim() || DEFAULT_PATH;
  const folder = settings.workspaceFolder;
  if (!setting.includes('/') && !setting.includes('\\')) {
    if (!folder || !settings.trusted) return setting;
    const modules = path.join(folder, 'node_modules');
    const local = [path.join(modules, '.bin', setting)];
    if (setting === DEFAULT_PATH && NPM_VENDOR[arch]) local.unshift(path.join(modules, 'pgfence', 'vendor', NPM_VENDOR[arch], 'bin', 'pgfence'));
    return local.find(isExecutable) ?? setting;
  }
  return path.isAbsolute(setting) || !folder ? setting : path.resolve(folder, setting);
}

/** The ServerOptions the extension gives vscode-languageclient. */
export function serverOptions(settings: Settings): ServerExecutable {
  return {
    command: serverCommand(settings),
    args: ['lsp'],
    transport: 0,
    options: settings.workspaceFolder ? { cwd: settings.workspaceFolder } : {},
  };
}

export function initializationOptions(settings: Settings): InitializationOptions {
  const stats = settings.statsFile.trim();
  let statsFile: string | null = null;
  if (stats) statsFile = path.isAbsolute(stats) || !settings.workspaceFolder ? stats : path.resolve(settings.workspaceFolder, stats);
  return { statsFile, codeLens: settings.codeLens };
}

/**
 * Why the server cannot start, before trying (the platform, a command that is not there), or
 * undefined when it can be tried.
 */
export function cannotStart(settings: Settings, platform: string = process.platform, envPath?: string): string | undefined {
  const command = serverCommand(settings);
  if (platform !== 'linux') {
    return (
      `pgfence runs on Linux only (x86_64 and arm64): there is no ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} build. ` +
      'Open the folder in WSL, a dev container or over SSH (VS Code Remote), where the extension runs on Linux, ' +
      'and install pgfence there: `npm i -D pgfence` in the project, the .deb or the tarball from a release.'
    );
  }
  const found = command.includes('/') ? isExecutable(command) : findOnPath(command, envPath) !== undefined;
  if (found) return undefined;
  const where = command.includes('/') ? `${command} is not an executable file` : `no \`${command}\` on the PATH or in the workspace's node_modules/.bin`;
  return (
    `pgfence cannot be started: ${where}. Install it with \`npm i -D pgfence\` in the project, ` +
    'the .deb (Debian 12) or the tarball from a release, or set pgfence.path to the binary.'
  );
}

/** The message for a server that was started and failed (an old pgfence without `lsp`, a crash). */
export function startFailed(command: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  return (
    `pgfence lsp did not start (${command}): ${why}. A pgfence without the \`lsp\` command (an older release) ` +
    'stops at once: update it (`npm i -D pgfence@latest`, or a newer .deb or tarball). Its own error is in the pgfence output.'
  );
}
