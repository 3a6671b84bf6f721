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

// `import … from './X.node'` must load X.node.ts, not the codex X.node.json beside it (plain `node`
// tries .json before .ts; jest and tsc resolve .ts first).
const Module = require('module');
const path = require('path');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
	if (request.startsWith('.') && request.endsWith('.node') && parent && parent.filename) {
		const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
		if (fs.existsSync(candidate)) return candidate;
	}
	return resolveFilename.call(this, request, parent, ...rest);
};
