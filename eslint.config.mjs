import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import communityNodes from '@n8n/eslint-plugin-community-nodes';

const scanner = communityNodes.configs.recommended;

export default [
	{
		ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '.tmp/**', 'wordpress/**', 'eslint.config.mjs', 'gulpfile.js', 'jest.config.js'],
	},
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Off in n8n's community-package scanner too: only valid inside n8n's own repository.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Our option lists are ordered by meaning (the order a user meets them), not alphabetically.
			'n8n-nodes-base/node-param-options-type-unsorted-items': 'off',
			// Off in n8n's community-package scanner too: it wants the NodeConnectionTypes enum, not 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		// The scanner n8n runs on community packages (npm @n8n/scan-community-package).
		files: ['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts'],
		plugins: scanner.plugins,
		rules: scanner.rules,
	},
];
