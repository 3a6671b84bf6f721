// Runs every bench/*.bench.ts (TypeScript via scripts/ts-register.js), one file after another.
const fs = require('fs');
const path = require('path');
require('../scripts/ts-register');

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
