const fs = require('fs');
const path = require('path');
const { src, dest, parallel } = require('gulp');
const yazl = require('yazl');

const PLUGIN_SLUG = 'wpum-n8n-connector';

// n8n loads node and credential icons from next to the compiled .js files.
function buildIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function listFiles(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? listFiles(full) : [full];
	});
}

// The installable plugin zip (Plugins → Add New → Upload Plugin): one top folder named after the slug.
function buildPluginZip(done) {
	const pluginDir = path.join('wordpress', PLUGIN_SLUG);
	if (!fs.existsSync(pluginDir)) return done();
	const outDir = path.join('dist', 'wordpress');
	fs.mkdirSync(outDir, { recursive: true });
	const zip = new yazl.ZipFile();
	for (const file of listFiles(pluginDir).sort()) {
		if (/(^|\/)(tests?|node_modules)\//.test(path.relative(pluginDir, file))) continue;
		zip.addFile(file, path.join(PLUGIN_SLUG, path.relative(pluginDir, file)), { mtime: new Date(0) });
	}
	zip.end();
	zip.outputStream
		.pipe(fs.createWriteStream(path.join(outDir, `${PLUGIN_SLUG}.zip`)))
		.on('close', () => done())
		.on('error', done);
}

exports['build:icons'] = buildIcons;
exports['build:plugin'] = buildPluginZip;
exports.build = parallel(buildIcons, buildPluginZip);
