// The editor renders our nodes: headless Chromium (Debian's chromium, scripts/install-chromium.sh) signs
// in to n8n as the owner, opens the "WPUM → FluentCRM" template imported through the public API, and
// checks that every node on the canvas shows its own icon and name and none is marked not installed.
// A second workflow with a node n8n does not know proves those checks see what a broken install shows.
// The screenshot from the newest n8n is docs/images/editor-workflow.png (the README shows it).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { N8N_VERSIONS, packPackage, startN8n, type N8nServer } from './n8n';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };
const TEMPLATE = JSON.parse(readFileSync(path.join(ROOT, 'templates/wpum-to-fluentcrm.json'), 'utf8'));
const SCREENSHOT = path.join(ROOT, 'docs/images/editor-workflow.png');
const OWNER = { email: 'owner@example.com', password: 'E2e-Passw0rd-Owner' };
// Flags for a headless browser on a machine with no GPU, no sandbox user namespaces and no internet.
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** What the canvas shows for one node, read from the editor's DOM. */
interface CanvasNode {
	name: string;
	type: string;
	/** The node's name is shown as its label. */
	labelled: boolean;
	/** Paths of the icon images the node shows. */
	icons: string[];
	/** Every icon image finished loading and has pixels. */
	iconsLoaded: boolean;
	/** The "?" n8n shows for a node type it does not know. */
	placeholderIcon: boolean;
	/** The "not installed" marker n8n puts on an unknown node. */
	notInstalled: boolean;
}

/** The icon n8n serves for each of our node types: /icons/<package>/dist/nodes/<Dir>/<light icon>. */
function expectedIcons(): Record<string, string> {
	const icons: Record<string, string> = {};
	for (const file of pkg.n8n.nodes) {
		const exported = require(path.join(ROOT, file)) as Record<string, new () => { description: { name: string; icon?: unknown } }>;
		const description = new (Object.values(exported)[0])().description;
		const icon = description.icon as string | { light: string };
		const light = (typeof icon === 'string' ? icon : icon.light).replace(/^file:/, '');
		icons[`${pkg.name}.${description.name}`] = `/icons/${pkg.name}/${path.posix.join(path.posix.dirname(file), light)}`;
	}
	return icons;
}

async function canvasNodes(page: Page): Promise<CanvasNode[]> {
	return await page.locator('[data-test-id="canvas-node"]').evaluateAll((elements) =>
		elements.map((element) => {
			const name = element.getAttribute('data-node-name') ?? '';
			type Leaf = { children: { length: number }; textContent: string | null; offsetParent: unknown };
			const leaves = (Array.from(element.querySelectorAll('*')) as Leaf[]).filter((child) => child.children.length === 0);
			const images = Array.from(element.querySelectorAll('.n8n-node-icon img')) as Array<{ src: string; complete: boolean; naturalWidth: number }>;
			return {
				name,
				type: element.getAttribute('data-node-type') ?? '',
				labelled: leaves.some((leaf) => leaf.textContent?.trim() === name && leaf.offsetParent !== null),
				icons: images.map((image) => new URL(image.src).pathname),
				iconsLoaded: images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0),
				placeholderIcon: element.querySelector('[class*="nodeIconPlaceholder"]') !== null,
				notInstalled: element.querySelector('[data-test-id="node-not-installed"]') !== null,
			};
		}),
	);
}

/** Opens a workflow in the editor and waits until every node is on the canvas and no icon is still loading. */
async function openWorkflow(page: Page, n8n: N8nServer, id: string, nodeCount: number): Promise<void> {
	await page.goto(`${n8n.url}/workflow/${id}`);
	// (Page-side code as strings: this project compiles without the DOM library.)
	await page.waitForFunction(`document.querySelectorAll('[data-test-id="canvas-node"]').length === ${nodeCount}`, undefined, { timeout: 120_000 });
	await page.waitForFunction(`Array.from(document.querySelectorAll('[data-test-id="canvas-node"] img')).every((image) => image.complete)`, undefined, { timeout: 30_000 });
}

/** The editor fits the workflow into view with an animation; a screenshot waits until it has stopped. */
async function waitForCanvasToSettle(page: Page): Promise<void> {
	const pane = page.locator('.vue-flow__transformationpane');
	let last = '';
	let unchanged = 0;
	for (let i = 0; i < 60 && unchanged < 3; i++) {
		const transform = (await pane.getAttribute('style')) ?? '';
		unchanged = transform === last ? unchanged + 1 : 0;
		last = transform;
		await page.waitForTimeout(200);
	}
}

async function createCredentials(n8n: N8nServer): Promise<void> {
	// The template names its credentials; these placeholders let the import find them by name (the
	// editor is only looked at here, no workflow runs).
	const common = { username: 'admin', applicationPassword: 'xxxx xxxx xxxx xxxx xxxx xxxx', allowedHttpRequestDomains: 'all' };
	await n8n.api('POST', '/credentials', { name: 'WP User Manager site', type: 'wpUserManagerApi', data: { ...common, url: 'https://members.example.com' } });
	await n8n.api('POST', '/credentials', { name: 'FluentCRM', type: 'wpumFluentCrmApi', data: { ...common, siteUrl: 'https://crm.example.com' } });
}

async function importWorkflow(n8n: N8nServer, workflow: { name: string; nodes: any[]; connections: unknown; settings?: unknown }): Promise<string> {
	// The editor gives a webhook node its webhookId when it lands on the canvas; the public API does not.
	const nodes = workflow.nodes.map((node) => (node.type.endsWith('Trigger') ? { ...node, webhookId: randomUUID() } : node));
	const created = await n8n.api<{ id: string }>('POST', '/workflows', { name: workflow.name, nodes, connections: workflow.connections, settings: workflow.settings ?? {} });
	return created.id;
}

let tarball: string;
let executablePath: string;

beforeAll(() => {
	executablePath = execFileSync('bash', [path.join(ROOT, 'scripts/install-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	tarball = packPackage();
}, 600_000);

describe.each(N8N_VERSIONS)('the n8n %s editor', (version) => {
	let n8n: N8nServer;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		n8n = await startN8n({ version, tarball });
		await createCredentials(n8n);
		browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
		page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
	}, 600_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	it('signs in as the owner', async () => {
		await page.goto(`${n8n.url}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"]', OWNER.email);
		await page.fill('input[name="password"]', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
	});

	it('shows every node of the WPUM → FluentCRM template with its own icon and name, none unknown', async () => {
		const id = await importWorkflow(n8n, TEMPLATE);
		const templateNodes = (TEMPLATE.nodes as Array<{ name: string; type: string }>).filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
		await openWorkflow(page, n8n, id, templateNodes.length);

		const icons = expectedIcons();
		const shown = await canvasNodes(page);
		expect(shown.map((node) => node.name).sort()).toEqual(templateNodes.map((node) => node.name).sort());
		for (const node of shown) {
			expect(node).toEqual({
				name: node.name,
				type: templateNodes.find((t) => t.name === node.name)!.type,
				labelled: true,
				icons: [icons[node.type]],
				iconsLoaded: true,
				placeholderIcon: false,
				notInstalled: false,
			});
		}
		// Each node type has an icon of its own (not one shared fallback).
		expect(new Set(shown.map((node) => node.icons[0])).size).toBe(new Set(shown.map((node) => node.type)).size);

		if (version === N8N_VERSIONS[N8N_VERSIONS.length - 1]) {
			await waitForCanvasToSettle(page);
			mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
			await page.screenshot({ path: SCREENSHOT });
		}
	});

	it('would see a node type n8n does not have as unknown (the checks above can fail)', async () => {
		const id = await importWorkflow(n8n, {
			name: 'Unknown node control',
			nodes: [{ name: 'Not installed', type: `${pkg.name}.noSuchNode`, typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
		});
		await openWorkflow(page, n8n, id, 1);
		const [node] = await canvasNodes(page);
		expect(node).toMatchObject({ name: 'Not installed', icons: [], iconsLoaded: false, placeholderIcon: true, notInstalled: true });
	});
});
