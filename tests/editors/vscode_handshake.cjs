// What the VS Code extension does when it starts, without VS Code: the server is spawned with the
// ServerOptions and initializationOptions that the packed extension's own out/server.js builds,
// and spoken to with the vscode-jsonrpc that the .vsix ships (the one vscode-languageclient uses).
//   node vscode_handshake.cjs EXTENSION_DIR SETTINGS_JSON DOCUMENTS_JSON
// SETTINGS_JSON: server.ts's Settings; DOCUMENTS_JSON: [{path, languageId}] opened in turn.
// Prints one JSON object: the command run, the initialize result, the diagnostics published for
// each document, the code lenses of each, the shutdown answer, the exit code, stderr's tail, and
// `error` when a step failed or timed out. Exits 0 whenever it could print that.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [extension, settingsJson, documentsJson] = process.argv.slice(2);
const server = require(path.join(extension, 'out', 'server.js'));
const rpc = require(require.resolve('vscode-jsonrpc/node', { paths: [path.join(extension, 'node_modules', 'vscode-languageclient')] }));
const settings = JSON.parse(settingsJson);
const documents = JSON.parse(documentsJson);
const STEP_MS = 20000;

const result = { diagnostics: {}, codeLenses: {} };
const options = server.serverOptions(settings);
result.command = options.command;
result.args = options.args;
result.transport = options.transport;
const child = cp.spawn(options.command, options.args, { cwd: options.options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
const exited = new Promise((resolve) => {
  child.on('exit', (code, signal) => resolve({ code, signal }));
  child.on('error', (e) => { result.error = `spawn: ${e.message}`; resolve({ code: null, signal: null }); });
});
child.stdin.on('error', () => {}); // a server that died: the step that waits for it says so

const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
const published = new Map();
const waiters = [];
connection.onNotification('textDocument/publishDiagnostics', (params) => {
  published.set(params.uri, params.diagnostics);
  for (const w of waiters.splice(0)) w();
});
connection.onRequest(() => null); // workspace/configuration, client/registerCapability, ...
connection.listen();

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer to ${what} in ${STEP_MS / 1000} s`)), STEP_MS); });
  const lost = exited.then(({ code, signal }) => { throw new Error(`the server exited (code ${code}, signal ${signal}) before answering ${what}`); });
  return Promise.race([promise, timeout, lost]).finally(() => clearTimeout(timer));
}

function diagnosticsFor(uri) {
  return new Promise((resolve) => {
    const check = () => (published.has(uri) ? resolve(published.get(uri)) : waiters.push(check));
    check();
  });
}

async function run() {
  const root = settings.workspaceFolder;
  const rootUri = pathToFileURL(root).href;
  result.initialize = await within(connection.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'pgfence vscode_test' },
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
    initializationOptions: server.initializationOptions(settings),
    capabilities: {
      textDocument: {
        synchronization: { didSave: true, dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        codeLens: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
      },
      workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
    },
  }), 'initialize');
  connection.sendNotification('initialized', {});
  const caps = result.initialize.capabilities || {};
  for (const doc of documents) {
    const uri = pathToFileURL(doc.path).href;
    connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: doc.languageId, version: 1, text: fs.readFileSync(doc.path, 'utf8') },
    });
    result.diagnostics[doc.path] = await within(diagnosticsFor(uri), `didOpen of ${path.basename(doc.path)} (publishDiagnostics)`);
    if (caps.codeLensProvider) {
      result.codeLenses[doc.path] = await within(connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), 'textDocument/codeLens');
    }
  }
  result.shutdown = await within(connection.sendRequest('shutdown'), 'shutdown');
  connection.sendNotification('exit');
  const end = await within(exited, 'exit');
  result.exitCode = end.code;
}

run()
  .catch((e) => { result.error = result.error || e.message; child.kill('SIGKILL'); })
  .finally(() => {
    result.stderr = stderr;
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(0);
  });
