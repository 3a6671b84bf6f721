// Fails when `dist/` lacks something package.json's n8n block promises: each node and credential
// file, each node's codex .node.json, and every icon they reference.
const fs = require('fs');
const path = require('path');

const pkg = require('../package.json');
const problems = [];
const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials];

for (const file of files) {
	if (!fs.existsSync(file)) {
		problems.push(`${file} is listed in package.json but was not built`);
		continue;
	}
	const exported = require(path.resolve(file));
	for (const Cls of Object.values(exported)) {
		if (typeof Cls !== 'function') continue;
		const instance = new Cls();
		const description = instance.description ?? instance;
		const icons = [description.icon].flat().filter(Boolean);
		for (const icon of icons.flatMap((i) => (typeof i === 'object' ? Object.values(i) : [i]))) {
			if (!String(icon).startsWith('file:')) continue;
			const iconPath = path.join(path.dirname(file), String(icon).slice(5));
			if (!fs.existsSync(iconPath)) problems.push(`${file}: icon ${iconPath} is missing from dist`);
		}
	}
	if (pkg.n8n.nodes.includes(file)) {
		const codex = file.replace(/\.js$/, '.json');
		if (!fs.existsSync(codex)) problems.push(`${file}: codex ${codex} is missing from dist`);
	}
}

if (problems.length) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(`dist has all ${files.length} node and credential files, their codex files and icons`);
