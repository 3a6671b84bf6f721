// Runs every bench/*.bench.ts: TypeScript is transpiled in memory with the project's own compiler
// (no ts-node needed), then each file runs in turn.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		fileName: filename,
	});
	module._compile(outputText, filename);
};

const only = process.argv.slice(2);
const files = fs
	.readdirSync(__dirname)
	.filter((file) => file.endsWith('.bench.ts'))
	.filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
	.sort();

(async () => {
	for (const file of files) {
		console.log(`\n# ${file}`);
		const exported = require(path.join(__dirname, file));
		if (typeof exported.run === 'function') await exported.run();
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
