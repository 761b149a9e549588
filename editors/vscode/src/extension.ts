// The VS Code side: reads the pgfence.* settings, starts `pgfence lsp` with vscode-languageclient
// and restarts it when they change. Everything about how the server runs is in server.ts.
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions } from 'vscode-languageclient/node';
import {
  INSTALL_URL,
  Settings,
  cannotStart,
  documentSelector,
  initializationOptions,
  serverOptions,
  startFailed,
  watchedFiles,
} from './server';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
// Restarts run one after another: a settings change fires one event per key.
let queue: Promise<void> = Promise.resolve();

function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('pgfence');
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return {
    path: config.get<string>('path', 'pgfence'),
    statsFile: config.get<string>('statsFile', ''),
    codeLens: config.get<boolean>('codeLens', true),
    workspaceFolder: folder?.uri.fsPath,
    trusted: vscode.workspace.isTrusted,
  };
}

function watchers(stats: string | null): vscode.FileSystemWatcher[] {
  const patterns: vscode.GlobPattern[] = [...watchedFiles];
  if (stats) patterns.push(new vscode.RelativePattern(path.dirname(stats), path.basename(stats)));
  return patterns.map((p) => vscode.workspace.createFileSystemWatcher(p));
}

async function explain(message: string, showOutput: boolean): Promise<void> {
  const actions = showOutput ? ['Show Output', 'Open Settings', 'How to Install'] : ['Open Settings', 'How to Install'];
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === 'Show Output') output?.show();
  if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'pgfence.path');
  if (choice === 'How to Install') await vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
}

async function start(): Promise<void> {
  const settings = readSettings();
  const reason = cannotStart(settings);
  if (reason) {
    output?.appendLine(`error: ${reason}`);
    void explain(reason, false);
    return;
  }
  const server = serverOptions(settings);
  const init = initializationOptions(settings);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: init,
    synchronize: { fileEvents: watchers(init.statsFile) },
    outputChannel: output,
    middleware: {
      // Honoured here too, so the setting holds whatever the server does with initializationOptions.
      provideCodeLenses: (document, token, next) => (settings.codeLens ? next(document, token) : []),
    },
  };
  // The id 'pgfence' is also where vscode-languageclient reads its trace setting: pgfence.trace.server.
  const started = new LanguageClient('pgfence', 'pgfence', server, clientOptions);
  client = started;
  try {
    await started.start();
  } catch (error) {
    void explain(startFailed(server.command, error), true);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    await running.stop();
  } catch {
    // A server that never started cannot be stopped; dispose below still frees its watchers.
  }
  await running.dispose();
}

function restart(): Promise<void> {
  queue = queue.then(stop).then(start);
  return queue;
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('pgfence');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('pgfence.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgfence')) void restart();
    }),
    // Trust and the folders decide which binary runs (node_modules/.bin) and where.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restart()),
  );
  return restart();
}

export function deactivate(): Promise<void> {
  queue = queue.then(stop);
  return queue;
}
