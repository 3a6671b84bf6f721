import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packPackage, startN8n, type N8nServer } from './n8n';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

let n8n: N8nServer;

beforeAll(async () => {
	n8n = await startN8n({ tarball: packPackage() });
}, 600_000);

afterAll(async () => {
	await n8n?.stop();
});

describe('the package installed from its npm tarball into n8n', () => {
	it('loads every node package.json lists, each with its own icon', async () => {
		const response = await fetch(`${n8n.url}/types/nodes.json`, { headers: { cookie: await sessionCookie() } });
		const types = (await response.json()) as Array<{ name: string; displayName: string; iconUrl?: unknown; icon?: unknown }>;
		const ours = types.filter((t) => t.name.startsWith(`${pkg.name}.`));
		const expected = pkg.n8n.nodes.map((file) => path.basename(file, '.node.js'));
		expect(ours.length).toBeGreaterThanOrEqual(expected.length);
		for (const nodeClass of expected) {
			const name = nodeClass.charAt(0).toLowerCase() + nodeClass.slice(1);
			const type = ours.find((t) => t.name === `${pkg.name}.${name}`);
			expect({ name, loaded: Boolean(type) }).toEqual({ name, loaded: true });
			expect(type!.iconUrl ?? type!.icon).toBeTruthy();
		}
	});

	it('loads every credential package.json lists', async () => {
		const response = await fetch(`${n8n.url}/types/credentials.json`, { headers: { cookie: await sessionCookie() } });
		const types = (await response.json()) as Array<{ name: string }>;
		for (const file of pkg.n8n.credentials) {
			const className = path.basename(file, '.credentials.js');
			const name = className.charAt(0).toLowerCase() + className.slice(1);
			expect({ name, loaded: types.some((t) => t.name === name) }).toEqual({ name, loaded: true });
		}
	});
});

async function sessionCookie(): Promise<string> {
	const login = await fetch(`${n8n.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: 'owner@example.com', password: 'E2e-Passw0rd-Owner' }),
	});
	return (login.headers.get('set-cookie') ?? '').split(';')[0];
}
