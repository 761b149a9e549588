// Lists the files @flvmnt/pgfence's CLI cannot analyse (its CLI stops the whole run at the
// first such file), so bench/run.sh can leave them out for every tool.
// usage: node flvmnt_preflight.mjs PATH/TO/dist/analyzer.js < NUL-separated file list
// prints: "file<TAB>reason" per failing file.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { analyze } = await import(pathToFileURL(process.argv[2]).href);
const files = readFileSync(0, 'utf8').split('\0').filter(Boolean);
// The CLI's defaults (pgfence analyze with no options).
const config = {
  format: 'auto', output: 'cli', minPostgresVersion: 11, maxAllowedRisk: 'high',
  requireLockTimeout: true, requireStatementTimeout: true,
};
for (const file of files) {
  try {
    await analyze([file], config);
  } catch (error) {
    const reason = String(error?.message ?? error).split('\n')[0].slice(0, 160);
    process.stdout.write(`${file}\t${reason}\n`);
  }
}
