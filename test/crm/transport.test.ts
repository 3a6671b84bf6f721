import type { IDataObject, INode } from 'n8n-workflow';

import type { CrmAdapter, CrmContext } from '../../nodes/WpumCrm/adapters/types';
import { backoffMs, crmRequest, crmRequestOk, retryAfterMs } from '../../nodes/WpumCrm/transport';

type Scripted = { statusCode: number; headers?: IDataObject; body?: unknown } | Error;

/** A node-run context whose HTTP answers come from a script, recording each request. */
function context(script: Scripted[], maxRateLimitWait: number) {
	const sent: IDataObject[] = [];
	const ctx = {
		getInputData: () => [{ json: {} }],
		getNode: () => ({ name: 'CRM', type: 'wpumCrm', typeVersion: 1, position: [0, 0], parameters: {} }) as unknown as INode,
		getNodeParameter: (name: string, _i: number, fallback: unknown) => (name === 'options.maxRateLimitWait' ? maxRateLimitWait : fallback),
		getCredentials: async () => ({ token: 'secret' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IDataObject) => {
				sent.push(options);
				const next = script.shift();
				if (!next) throw new Error('script exhausted');
				if (next instanceof Error) throw next;
				return { headers: {}, body: {}, ...next };
			},
		},
	};
	return { ctx: ctx as unknown as CrmContext, sent };
}

const adapter = (extra: Partial<CrmAdapter> = {}) =>
	({ slug: 'test', displayName: 'TestCRM', credentialType: 'testApi', baseUrl: () => 'http://crm.invalid/api', ...extra }) as CrmAdapter;

describe('CRM transport', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(retryAfterMs({ statusCode: 429, headers: { 'retry-after': '3' }, body: {} })).toBe(3000);
		const now = Date.parse('2026-11-27T06:00:00Z');
		expect(retryAfterMs({ statusCode: 429, headers: { 'retry-after': 'Fri, 27 Nov 2026 06:00:05 GMT' }, body: {} }, now)).toBe(5000);
		expect(retryAfterMs({ statusCode: 429, headers: {}, body: {} })).toBeUndefined();
	});

	it('backs off exponentially with jitter inside each step', () => {
		for (const attempt of [0, 1, 2, 3]) {
			const step = 500 * 2 ** attempt;
			for (let i = 0; i < 20; i++) {
				const delay = backoffMs(attempt);
				expect(delay).toBeGreaterThanOrEqual(step / 2);
				expect(delay).toBeLessThanOrEqual(step);
			}
		}
	});

	it('sends json with full responses and no thrown HTTP errors, to the adapter base URL', async () => {
		const { ctx, sent } = context([{ statusCode: 200, body: { ok: true } }], 10);
		const response = await crmRequest(ctx, adapter(), { method: 'GET', path: '/things', qs: { a: 1 } });
		expect(response).toMatchObject({ statusCode: 200, body: { ok: true } });
		expect(sent[0]).toMatchObject({ url: 'http://crm.invalid/api/things', qs: { a: 1 }, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true });
	});

	it('retries 429 honouring Retry-After before the vendor reset hook', async () => {
		const { ctx, sent } = context([{ statusCode: 429, headers: { 'retry-after': '0' } }, { statusCode: 200 }], 0.01);
		// The hook would ask for 1000 s, over the 10 ms cap: only Retry-After: 0 lets this retry.
		const response = await crmRequest(ctx, adapter({ resetDelayMs: () => 1_000_000 }), { method: 'GET', path: '/x' });
		expect(response.statusCode).toBe(200);
		expect(sent).toHaveLength(2);
	});

	it("uses the vendor's reset headers when there is no Retry-After", async () => {
		const within = context([{ statusCode: 429 }, { statusCode: 200 }], 0.05);
		expect((await crmRequest(within.ctx, adapter({ resetDelayMs: () => 1 }), { method: 'GET', path: '/x' })).statusCode).toBe(200);

		const beyond = context([{ statusCode: 429 }, { statusCode: 200 }], 0.05);
		await expect(crmRequest(beyond.ctx, adapter({ resetDelayMs: () => 60_000 }), { method: 'GET', path: '/x' })).rejects.toThrow(
			/TestCRM is still rate-limiting .*"Max Rate-Limit Wait"/,
		);
		expect(beyond.sent).toHaveLength(1);
	});

	it('counts every wait of a node run against one cap', async () => {
		const { ctx, sent } = context(
			[{ statusCode: 429 }, { statusCode: 200 }, { statusCode: 429 }, { statusCode: 200 }, { statusCode: 429 }, { statusCode: 200 }],
			0.025,
		);
		const hooks = adapter({ resetDelayMs: () => 10 });
		await crmRequest(ctx, hooks, { method: 'GET', path: '/a' });
		await crmRequest(ctx, hooks, { method: 'GET', path: '/b' });
		await expect(crmRequest(ctx, hooks, { method: 'GET', path: '/c' })).rejects.toThrow(/still rate-limiting/);
		expect(sent).toHaveLength(5);
	});

	it("treats the adapter's own throttle signal like a 429", async () => {
		const { ctx, sent } = context([{ statusCode: 403, headers: { 'retry-after': '0' }, body: { detail: 'throttled' } }, { statusCode: 200 }], 1);
		const hooks = adapter({ isThrottled: (r) => r.statusCode === 403 && (r.body as IDataObject).detail === 'throttled' });
		expect((await crmRequest(ctx, hooks, { method: 'GET', path: '/x' })).statusCode).toBe(200);
		expect(sent).toHaveLength(2);
	});

	it('gives up on server errors after 5 attempts and returns the last answer', async () => {
		const { ctx, sent } = context(Array.from({ length: 5 }, () => ({ statusCode: 503, headers: { 'retry-after': '0' } })), 1);
		const response = await crmRequest(ctx, adapter(), { method: 'GET', path: '/x' });
		expect(response.statusCode).toBe(503);
		expect(sent).toHaveLength(5);
	});

	it('retries network failures and then names the credential base URL', async () => {
		const { ctx, sent } = context([new Error('connect ECONNREFUSED'), new Error('connect ECONNREFUSED')], 0);
		await expect(crmRequest(ctx, adapter(), { method: 'GET', path: '/x' })).rejects.toThrow(
			/Could not reach TestCRM after 1 attempt\(s\)\. Check the base URL in the TestCRM credential/,
		);
		expect(sent).toHaveLength(1);
	});

	it("turns errors into NodeApiErrors with the vendor's message, pointing 401/403 at the credential", async () => {
		const bad = context([{ statusCode: 422, body: { message: 'Email is not valid' } }], 1);
		await expect(crmRequestOk(bad.ctx, adapter(), { method: 'POST', path: '/x' })).rejects.toThrow('TestCRM answered HTTP 422: Email is not valid');
		const denied = context([{ statusCode: 401, body: { message: 'Invalid key' } }], 1);
		await expect(crmRequestOk(denied.ctx, adapter(), { method: 'GET', path: '/x' })).rejects.toThrow(/Invalid key.*Check the TestCRM credential/);
		const custom = context([{ statusCode: 400, body: { errors: ['x'] } }], 1);
		await expect(crmRequestOk(custom.ctx, adapter({ errorMessage: () => 'from the hook' }), { method: 'GET', path: '/x' })).rejects.toThrow('from the hook');
	});
});
