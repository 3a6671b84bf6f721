// The payloads the companion plugin really produced (saved by the WordPress suite into contract/examples)
// must keep matching the contract schemas the n8n nodes are built against.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const CONTRACT = path.resolve(__dirname, '../../contract');
const EXAMPLES = path.join(CONTRACT, 'examples');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(readJson(path.join(CONTRACT, 'user.schema.json')));
const validateUser = ajv.getSchema('https://n8n-nodes-wp-user-manager/contract/user.schema.json')!;
const validateEvent = ajv.compile(readJson(path.join(CONTRACT, 'event.schema.json')));

const files = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort() : [];
const restFiles = existsSync(path.join(EXAMPLES, 'rest')) ? readdirSync(path.join(EXAMPLES, 'rest')).filter((f) => f.endsWith('.json')).sort() : [];

describe('contract/examples (captured from the real plugin)', () => {
	it('has the events and user objects the nodes rely on', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'event-user.registered.json',
				'event-user.updated.json',
				'event-user.activated.json',
				'event-user.role_changed.json',
				'event-user.rejected.json',
				'event-user.deleted.json',
				'event-ping.json',
				'rest-user.json',
			]),
		);
	});

	it.each(files)('%s matches the contract schema', (file) => {
		const json = readJson(path.join(EXAMPLES, file));
		const validate = file.startsWith('event-') ? validateEvent : validateUser;
		if (!validate(json)) throw new Error(`${file}: ${ajv.errorsText(validate.errors)}`);
	});

	it.each(restFiles.filter((f) => f.startsWith('users')))('rest/%s holds contract users', (file) => {
		const { users } = readJson(path.join(EXAMPLES, 'rest', file));
		expect(users.length).toBeGreaterThan(0);
		for (const user of users) if (!validateUser(user)) throw new Error(`${file}: ${ajv.errorsText(validateUser.errors)}`);
	});
});
