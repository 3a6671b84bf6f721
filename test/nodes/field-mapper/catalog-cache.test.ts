/**
 * The site's field catalog is read once and reused across runs (a registration must not cost a second
 * WordPress request), yet a field an admin adds in WPUM is picked up, and a failed read is not kept.
 */
import { CATALOG_RECHECK_MS, CATALOG_TTL_MS, clearFieldCatalogCache } from '../../../nodes/WpumFieldMapper/methods/catalog';
import { sendJson, startServer, type LocalServer } from '../../support/http-server';
import { FIELD_CATALOG, makeUser } from './fixtures';
import { associations, json, mapperHarness, NODE } from './harness';

const AUTH = `Basic ${Buffer.from('admin:abcd efgh ijkl mnop').toString('base64')}`;
const realNow = Date.now.bind(Date);

let catalog: { fields: Array<Record<string, unknown>> };
let failNext = false;
let server: LocalServer;
let offset = 0;

const catalogReads = () => server.requests.filter((request) => request.path === '/wp-json/wpum-n8n/v1/fields').length;

beforeAll(async () => {
	server = await startServer((req, res) => {
		if (req.headers.authorization !== AUTH) return sendJson(res, 401, { code: 'rest_not_logged_in', message: 'no', data: { status: 401 } });
		if (req.path !== '/wp-json/wpum-n8n/v1/fields') return sendJson(res, 404, { code: 'rest_no_route', message: 'no', data: { status: 404 } });
		if (failNext) {
			failNext = false;
			return sendJson(res, 500, { code: 'internal_server_error', message: 'There has been a critical error on this website.', data: { status: 500 } });
		}
		return sendJson(res, 200, catalog);
	});
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
});

afterAll(async () => {
	jest.restoreAllMocks();
	await server.close();
});

beforeEach(() => {
	clearFieldCatalogCache();
	catalog = structuredClone(FIELD_CATALOG) as typeof catalog;
	server.requests.length = 0;
	failNext = false;
	offset = 0;
});

/** One run of the mapper over one user whose `wpum_seats` holds "7" (a number field once the site says so; null: no such field). */
async function run(seats: unknown = '7', server_ = server) {
	const user = makeUser({}, seats === null ? {} : { wpum_seats: seats });
	const rows = associations([{ field: 'wpum_company', to: 'company' }, ...(seats === null ? [] : [{ field: 'wpum_seats', to: 'seats' }])], 'site');
	return await mapperHarness(server_).runNode({ type: NODE, parameters: { wpumFieldList: 'site', crm: 'none', associations: rows } }, [
		{ event: 'user.registered', event_id: `e${realNow()}${Math.random()}`, user },
	]);
}

const seatsOf = (result: Awaited<ReturnType<typeof run>>) => (json(result.output[0])[0]?.fields as { seats?: unknown } | undefined)?.seats;

it('reads the catalog once, then reuses it for the next runs', async () => {
	catalog.fields.push({ key: 'wpum_seats', label: 'Seats', type: 'number', options: [] });
	for (let i = 0; i < 3; i++) expect(seatsOf(await run())).toBe(7);
	expect(catalogReads()).toBe(1);
});

it('a field the cached catalog lacks is re-read from the site, at most once per recheck interval', async () => {
	// The catalog as cached knows no wpum_seats: Auto infers text from the value.
	expect(seatsOf(await run(null))).toBeUndefined();
	expect(catalogReads()).toBe(1);
	// The admin adds a number field "Seats" in WPUM; the next events carry it.
	catalog.fields.push({ key: 'wpum_seats', label: 'Seats', type: 'number', options: [] });
	offset = CATALOG_RECHECK_MS / 2; // a wide margin: a slow machine adds real time too
	expect(seatsOf(await run())).toBe('7');
	expect(catalogReads()).toBe(1);
	offset = CATALOG_RECHECK_MS + 1;
	expect(seatsOf(await run())).toBe(7);
	expect(catalogReads()).toBe(2);
	// Known now: no further reads until the catalog expires.
	offset = CATALOG_RECHECK_MS * 3;
	expect(seatsOf(await run())).toBe(7);
	expect(catalogReads()).toBe(2);
});

it('an expired catalog is read again (a changed field type applies)', async () => {
	catalog.fields.push({ key: 'wpum_seats', label: 'Seats', type: 'number', options: [] });
	expect(seatsOf(await run())).toBe(7);
	catalog.fields = catalog.fields.map((field) => (field.key === 'wpum_seats' ? { ...field, type: 'text' } : field));
	offset = CATALOG_TTL_MS - 60_000; // a wide margin: a slow machine adds real time too
	expect(seatsOf(await run())).toBe(7);
	offset = CATALOG_TTL_MS + 1;
	expect(seatsOf(await run())).toBe('7');
	expect(catalogReads()).toBe(2);
});

it('a failed read fails the run with the site\'s message and is not cached: the next run asks again', async () => {
	failNext = true;
	const failed = await run();
	expect(failed.error?.message).toMatch(/critical error|500/i);
	catalog.fields.push({ key: 'wpum_seats', label: 'Seats', type: 'number', options: [] });
	expect(seatsOf(await run())).toBe(7);
	expect(catalogReads()).toBe(2);
});

it('each site (credential) has its own catalog', async () => {
	catalog.fields.push({ key: 'wpum_seats', label: 'Seats', type: 'number', options: [] });
	const other = await startServer((req, res) => {
		if (req.path !== '/wp-json/wpum-n8n/v1/fields') return sendJson(res, 404, {});
		return sendJson(res, 200, { ...FIELD_CATALOG, fields: [...FIELD_CATALOG.fields, { key: 'wpum_seats', label: 'Seats', type: 'text', options: [] }] });
	});
	try {
		expect(seatsOf(await run())).toBe(7);
		expect(seatsOf(await run('7', other))).toBe('7');
		expect(seatsOf(await run())).toBe(7);
		expect([catalogReads(), other.requests.length]).toEqual([1, 1]);
	} finally {
		await other.close();
	}
});
