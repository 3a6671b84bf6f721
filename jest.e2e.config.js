// The end-to-end suite: the pinned n8n server with this package installed from its npm tarball.
// `npx jest -c jest.e2e.config.js --runInBand`; scripts/test.sh runs it as its own stage.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	roots: ['<rootDir>/test/e2e'],
	testPathIgnorePatterns: ['/node_modules/', '/dist/'],
	setupFilesAfterEnv: [],
	testTimeout: 180000,
};
