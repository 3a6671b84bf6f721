// Runs every bench/*.bench.ts (TypeScript via scripts/ts-register.js), one file after another, then
// prints one table of every benchmark's rows. `npm run bench -- backfill` runs only matching files.
// Exits non-zero only when a benchmark could not run (a missed target is reported, not failed).
const fs = require('fs');
const os = require('os');
const path = require('path');
require('../scripts/ts-register');

const only = process.argv.slice(2);
const files = fs
	.readdirSync(__dirname)
	.filter((file) => file.endsWith('.bench.ts'))
	.filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
	.sort();

function table(rows) {
	const header = ['benchmark', 'measure', 'value', 'ratio', 'target', 'met'];
	const lines = rows.map((row) => [row.bench, row.measure, row.value, row.ratio ?? '', row.target ?? '', row.met === undefined ? '' : row.met ? 'yes' : 'NO']);
	const escape = (cell) => String(cell).replace(/\|/g, '\\|');
	return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

(async () => {
	if (files.length === 0) throw new Error(`no benchmark matches ${only.join(', ')}`);
	const started = Date.now();
	const rows = [];
	const failed = [];
	for (const file of files) {
		console.log(`\n# ${file}`);
		try {
			const exported = require(path.join(__dirname, file));
			const result = typeof exported.run === 'function' ? await exported.run() : undefined;
			if (Array.isArray(result)) rows.push(...result);
		} catch (error) {
			console.error(`${file} could not run:`, error);
			failed.push(file);
			rows.push({ bench: file.replace('.bench.ts', ''), measure: 'could not run', value: String(error && error.message ? error.message : error).split('\n')[0].slice(0, 120) });
		}
	}
	const cpu = os.cpus()[0];
	console.log(`\n## Results (${new Date().toISOString()}, ${((Date.now() - started) / 60000).toFixed(1)} min)`);
	console.log(`Machine: ${os.cpus().length} × ${cpu ? cpu.model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}\n`);
	console.log(table(rows));
	if (failed.length) {
		console.error(`\nCould not run: ${failed.join(', ')}`);
		process.exitCode = 1;
	}
	// Servers some benchmarks leave behind (e.g. Playground's workers) must not keep the process alive.
	process.exit();
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
