// The plugin on a production-like stack: nginx, PHP-FPM 8.2 and MariaDB from Debian, private processes
// on 127.0.0.1 (test/wordpress-native/site.ts boots them in the suite, scripts/wordpress-native.sh
// installs the packages). `npx jest -c jest.wordpress-native.config.js --runInBand`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	roots: ['<rootDir>/test/wordpress-native'],
	testPathIgnorePatterns: ['/node_modules/', '/dist/'],
	setupFilesAfterEnv: [],
	testTimeout: 60000,
};
