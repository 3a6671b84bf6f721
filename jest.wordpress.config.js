// The WordPress suite: one real WordPress (Playground) for all of test/wordpress, run in band.
// `npx jest -c jest.wordpress.config.js --runInBand`; scripts/test.sh runs it as its own stage.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	roots: ['<rootDir>/test/wordpress'],
	testPathIgnorePatterns: ['/node_modules/', '/dist/'],
	globalSetup: '<rootDir>/test/wordpress/global-setup.ts',
	globalTeardown: '<rootDir>/test/wordpress/global-teardown.ts',
	setupFilesAfterEnv: [],
	// Each request boots WordPress in WebAssembly (0.3–1.5 s); scenario tests make dozens.
	testTimeout: 240000,
};
