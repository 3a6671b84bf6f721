import { php, rest } from './site';

describe('WordPress site', () => {
	it('runs the plugin', async () => {
		expect(await php('return defined( "WPUM_N8N_VERSION" );')).toBe(true);
		const status = await rest('GET', '/wpum-n8n/v1/status');
		expect(status.status).toBe(200);
		console.log(JSON.stringify(status.body));
	});
});
