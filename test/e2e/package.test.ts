import { readFileSync } from 'node:fs';
import path from 'node:path';
import { N8N_VERSIONS, packPackage, startN8n, type N8nServer } from './n8n';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

let tarball: string;

beforeAll(() => {
	tarball = packPackage();
}, 600_000);

describe.each(N8N_VERSIONS)('the package installed from its npm tarball into n8n %s', (version) => {
	let n8n: N8nServer;

	beforeAll(async () => {
		n8n = await startN8n({ version, tarball });
	}, 900_000);

	afterAll(async () => {
		await n8n?.stop();
	});

	it('loads every node package.json lists, each with its own icon', async () => {
		const response = await fetch(`${n8n.url}/types/nodes.json`, { headers: { cookie: await sessionCookie(n8n) } });
		const types = (await response.json()) as Array<{ name: string; displayName: string; iconUrl?: unknown; icon?: unknown }>;
		const ours = types.filter((t) => t.name.startsWith(`${pkg.name}.`));
		const expected = pkg.n8n.nodes.map((file) => path.basename(file, '.node.js'));
		expect(ours.length).toBeGreaterThanOrEqual(expected.length);
		for (const nodeClass of expected) {
			const name = nodeClass.charAt(0).toLowerCase() + nodeClass.slice(1);
			const type = ours.find((t) => t.name === `${pkg.name}.${name}`);
			expect({ name, loaded: Boolean(type) }).toEqual({ name, loaded: true });
			expect(await iconsServed(n8n, name, type!.iconUrl)).toEqual({ name, icons: ['light', 'dark'], served: true });
		}
	});

	it('loads every credential package.json lists', async () => {
		const response = await fetch(`${n8n.url}/types/credentials.json`, { headers: { cookie: await sessionCookie(n8n) } });
		const types = (await response.json()) as Array<{ name: string; iconUrl?: unknown }>;
		for (const file of pkg.n8n.credentials) {
			const className = path.basename(file, '.credentials.js');
			const name = className.charAt(0).toLowerCase() + className.slice(1);
			const type = types.find((t) => t.name === name);
			expect({ name, loaded: Boolean(type) }).toEqual({ name, loaded: true });
			expect(await iconsServed(n8n, name, type!.iconUrl)).toEqual({ name, icons: ['light', 'dark'], served: true });
		}
	});
});

/** Which icon variants n8n lists for a type, and whether it serves each as an SVG of this package. */
async function iconsServed(n8n: N8nServer, name: string, iconUrl: unknown): Promise<{ name: string; icons: string[]; served: boolean }> {
	const urls = (typeof iconUrl === 'string' ? { light: iconUrl } : (iconUrl ?? {})) as Record<string, string>;
	let served = Object.keys(urls).length > 0;
	for (const url of Object.values(urls)) {
		const response = await fetch(`${n8n.url}/${url.replace(/^\//, '')}`);
		const body = await response.text();
		served &&= url.includes(`/${pkg.name}/`) && response.status === 200 && body.includes('<svg');
	}
	return { name, icons: Object.keys(urls), served };
}

async function sessionCookie(n8n: N8nServer): Promise<string> {
	const login = await fetch(`${n8n.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: 'owner@example.com', password: 'E2e-Passw0rd-Owner' }),
	});
	return (login.headers.get('set-cookie') ?? '').split(';')[0];
}
