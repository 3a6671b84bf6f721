// `npm start`: the whole chain on 127.0.0.1 with no account anywhere. A real WordPress (Playground) with
// the companion plugin, n8n with this package installed from its tarball, a sandbox CRM (a local
// FluentCRM-compatible server) and the "WPUM → FluentCRM" template imported and active. Register a user
// on the site and watch the contact arrive here. Ctrl-C stops everything.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from '../test/crm/fakes/fluentcrm';
import { packPackage, startN8n, type N8nServer } from '../test/e2e/n8n';
import { bootSite } from '../test/wordpress/global-setup';
import { stopSite } from '../test/wordpress/global-teardown';
import { php, type SiteState } from '../test/wordpress/site';

const ROOT = path.resolve(__dirname, '..');
const say = (line = '') => process.stdout.write(`${line}\n`);

async function main() {
	say('Building the package and starting WordPress, n8n and the sandbox CRM (first run: n8n installs, ~7 min)…');
	const crm = new FluentCrmFake();
	crm.fields.push({ key: 'company', label: 'Company', type: 'text' });
	await crm.start();
	let site: SiteState | undefined;
	let n8n: N8nServer | undefined;
	const stop = async () => {
		await n8n?.stop();
		if (site) stopSite(site);
		await crm.close();
	};
	process.once('SIGINT', () => {
		say('\nStopping…');
		void stop().then(() => process.exit(0));
	});

	const booting = bootSite();
	n8n = await startN8n({ tarball: packPackage(), port: Number(process.env.N8N_PORT ?? 5678) });
	site = await booting;

	// Deliver right after each response (the plugin's non-blocking loopback), let visitors register,
	// and keep the plugin's WP-Cron retries ticking as a real site's cron would.
	const adminPassword = randomUUID().slice(0, 13);
	await php(
		`update_option( 'wpum_fixture_loopback', 1 ); update_option( 'users_can_register', 1 ); update_option( 'default_role', 'subscriber' );
		wp_set_password( '${adminPassword}', ${site.admin.id} ); return true;`,
		site.url,
	);
	const cron = setInterval(() => void fetch(`${site!.url}/wp-cron.php`).catch(() => undefined), 5000);

	const credential = async (name: string, type: string, data: Record<string, unknown>) =>
		await n8n!.api('POST', '/credentials', { name, type, data: { ...data, allowedHttpRequestDomains: 'all' } });
	await credential('WP User Manager site', 'wpUserManagerApi', { url: site.url, username: site.admin.user, applicationPassword: site.admin.password });
	await credential('FluentCRM', 'wpumFluentCrmApi', { siteUrl: crm.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD });

	const template = JSON.parse(readFileSync(path.join(ROOT, 'templates/wpum-to-fluentcrm.json'), 'utf8'));
	for (const node of template.nodes) if (node.type.endsWith('.wpUserManagerTrigger')) node.webhookId = randomUUID();
	const workflow = await n8n.api<{ id: string }>('POST', '/workflows', {
		name: `${template.name} (sandbox CRM)`,
		nodes: template.nodes,
		connections: template.connections,
		settings: template.settings,
	});
	await n8n.api('POST', `/workflows/${workflow.id}/activate`);

	say();
	say('Ready. Everything listens on 127.0.0.1 only.');
	say(`  n8n            ${n8n.url}/workflow/${workflow.id}   login: owner@example.com / E2e-Passw0rd-Owner`);
	say(`  WordPress      ${site.url}/wp-admin/   login: admin / ${adminPassword} (admin page: Users → n8n Connector)`);
	say(`  Register here  ${site.url}/wp-login.php?action=register`);
	say(`  Sandbox CRM    ${crm.url}/wp-json/fluent-crm/v2 (FluentCRM API; user ${FLUENTCRM_USER}, application password "${FLUENTCRM_PASSWORD}")`);
	say();
	say('Contacts arriving in the sandbox CRM are printed below. To use your real CRM instead, open the');
	say('workflow, set the "FluentCRM" credential (or pick another CRM and its credential) and save. Ctrl-C stops.');

	const seen = new Map<string, string>();
	setInterval(() => {
		for (const contact of crm.contacts.values()) {
			const line = `${contact.email} ${JSON.stringify(contact.fields)} tags: ${[...contact.tags].join(', ') || '-'}`;
			if (seen.get(contact.id) === line) continue;
			say(`${new Date().toISOString().slice(11, 19)}  CRM contact #${contact.id} ${seen.has(contact.id) ? 'updated' : 'created'}: ${line}`);
			seen.set(contact.id, line);
		}
	}, 300);
	void cron;
}

main().catch((error: Error) => {
	process.stderr.write(`npm start failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
