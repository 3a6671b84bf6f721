// Lets plain `node` run the project's TypeScript scripts: each .ts file is transpiled in memory with
// the project's own compiler (no ts-node). Usage: node -r ./scripts/ts-register.js file.ts
const fs = require('fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		fileName: filename,
	});
	module._compile(outputText, filename);
};
