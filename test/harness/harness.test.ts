import { types } from 'node:util';

import { sendJson, startServer } from '../support/http-server';
import { CountNode, FetchNode, GreetNode, HarnessTestApi } from './fixtures/harness-test-nodes';
import { Harness } from './index';

describe('real-engine harness', () => {
	it('returns the output items of a node run by WorkflowExecute, paired to their inputs', async () => {
		const harness = new Harness({ nodeTypes: [GreetNode] });
		const { output, error } = await harness.runNode({ type: 'greet', parameters: { greeting: 'hi' } }, [{ a: 1 }, { a: 2 }]);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json)).toEqual([
			{ a: 1, greeting: 'hi' },
			{ a: 2, greeting: 'hi' },
		]);
		expect(output[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('passes items between connected nodes', async () => {
		const harness = new Harness({ nodeTypes: [GreetNode] });
		const { outputs } = await harness.runWorkflow(
			[
				{ name: 'First', type: 'greet', parameters: { greeting: 'one' } },
				{ name: 'Second', type: 'greet', parameters: { greeting: '={{ $json.greeting }} two' } },
			],
			{ First: { main: [[{ node: 'Second', type: 'main', index: 0 }]] } },
			[{ n: 1 }],
		);
		expect(outputs.Second[0][0].json).toEqual({ n: 1, greeting: 'one two' });
	});

	it('returns the error a node throws, with its message', async () => {
		const harness = new Harness({ nodeTypes: [GreetNode] });
		const { error, output } = await harness.runNode({ type: 'greet' }, [{ fail: true }]);
		expect(error?.message).toBe('Item 0 asked to fail');
		expect(output).toEqual([]);
	});

	it('honours continueOnFail per item', async () => {
		const harness = new Harness({ nodeTypes: [GreetNode] });
		const { error, output } = await harness.runNode({ type: 'greet', continueOnFail: true }, [{}, { fail: true }]);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json)).toEqual([{ greeting: 'hello' }, { error: 'Item 1 asked to fail' }]);
	});

	it('keeps node static data across runs', async () => {
		const harness = new Harness({ nodeTypes: [CountNode] });
		await harness.runNode({ name: 'Counter', type: 'count' });
		const second = await harness.runNode({ name: 'Counter', type: 'count' });
		expect(second.output[0][0].json).toEqual({ runs: 2 });
		expect(second.staticData['node:Counter']).toEqual({ runs: 2 });
	});

	it('stores static data as plain objects, so later runs do not wrap proxies in proxies', async () => {
		const harness = new Harness({ nodeTypes: [CountNode] });
		for (let run = 0; run < 3; run++) await harness.runNode({ name: 'Counter', type: 'count' });
		expect(types.isProxy(harness.staticData['node:Counter'])).toBe(false);
		expect(harness.staticData['node:Counter']).toEqual({ runs: 3 });
	});

	it('sends HTTP through the credential type authenticate to a local server', async () => {
		const server = await startServer((req, res) => sendJson(res, 200, { auth: req.headers.authorization }));
		try {
			const harness = new Harness({
				nodeTypes: [FetchNode],
				credentialTypes: [HarnessTestApi],
				credentials: { harnessTestApi: { baseUrl: server.url, token: 'abc' } },
			});
			const { output, error } = await harness.runNode({ type: 'fetch' });
			expect(error).toBeUndefined();
			expect(output[0][0].json).toEqual({ auth: 'Bearer abc' });
			expect(server.requests.map((r) => r.path)).toEqual(['/things']);
		} finally {
			await server.close();
		}
	});

	it('surfaces an HTTP error from the server as the node error', async () => {
		const server = await startServer((_req, res) => sendJson(res, 403, { message: 'nope' }));
		try {
			const harness = new Harness({
				nodeTypes: [FetchNode],
				credentialTypes: [HarnessTestApi],
				credentials: { harnessTestApi: { baseUrl: server.url, token: 'abc' } },
			});
			const { error } = await harness.runNode({ type: 'fetch' });
			expect(error?.message).toMatch(/403|Forbidden|nope/);
		} finally {
			await server.close();
		}
	});
});
