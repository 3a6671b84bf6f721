/**
 * Realistic payloads in the plugin's shape (docs/contract.md), validated against contract/*.schema.json
 * so they cannot drift from what the plugin sends, and a /fields catalog covering every WPUM field type
 * listed in the shared WPUM reference.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

const CONTRACT_DIR = join(__dirname, '..', '..', '..', 'contract');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync(join(CONTRACT_DIR, 'user.schema.json'), 'utf8')), 'user.schema.json');
const validateUser: ValidateFunction = ajv.getSchema('user.schema.json')!;
const validateEvent: ValidateFunction = ajv.compile(JSON.parse(readFileSync(join(CONTRACT_DIR, 'event.schema.json'), 'utf8')));

function valid<T>(validate: ValidateFunction, value: T, what: string): T {
	if (!validate(value)) throw new Error(`${what} fixture breaks the contract: ${ajv.errorsText(validate.errors)}`);
	return value;
}

/** One row per WPUM field on the fixture site: key, WPUM type, label, options, multiple, value, labels. */
export interface FieldRow {
	key: string;
	type: string;
	label: string;
	group_id: number;
	value: unknown;
	labels?: string | string[];
	options?: Array<{ value: string; label: string }>;
	multiple?: boolean;
}

export const FIELD_ROWS: FieldRow[] = [
	{ key: 'user_login', type: 'username', label: 'Username', group_id: 1, value: 'jane' },
	{ key: 'user_email', type: 'user_email', label: 'Email', group_id: 1, value: 'jane@example.com' },
	{ key: 'first_name', type: 'user_firstname', label: 'First name', group_id: 1, value: 'Jane' },
	{ key: 'last_name', type: 'user_lastname', label: 'Last name', group_id: 1, value: 'Doe' },
	{ key: 'nickname', type: 'user_nickname', label: 'Nickname', group_id: 1, value: 'janed' },
	{ key: 'display_name', type: 'user_displayname', label: 'Display name', group_id: 1, value: 'Jane Doe' },
	{ key: 'user_url', type: 'user_website', label: 'Website', group_id: 1, value: 'https://jane.example' },
	{ key: 'description', type: 'user_description', label: 'Description', group_id: 1, value: 'Hello there' },
	{ key: 'current_user_avatar', type: 'user_avatar', label: 'Profile picture', group_id: 1, value: 'https://example.com/wp-content/uploads/avatar.png' },
	{ key: 'user_cover', type: 'user_cover', label: 'Profile cover', group_id: 1, value: null },
	{ key: 'wpum_company', type: 'text', label: 'Company', group_id: 2, value: 'Acme' },
	{ key: 'wpum_work_email', type: 'email', label: 'Work e-mail', group_id: 2, value: 'jane@acme.test' },
	{
		key: 'wpum_size',
		type: 'dropdown',
		label: 'Company size',
		group_id: 2,
		value: 'm',
		labels: 'Medium (10–50)',
		options: [
			{ value: 's', label: 'Small (1–9)' },
			{ value: 'm', label: 'Medium (10–50)' },
		],
	},
	{ key: 'wpum_portfolio', type: 'url', label: 'Portfolio', group_id: 2, value: 'https://portfolio.example' },
	{ key: 'wpum_bio', type: 'textarea', label: 'Bio', group_id: 2, value: 'Line one\nLine two' },
	{ key: 'wpum_cv', type: 'file', label: 'CV', group_id: 2, value: 'https://example.com/wp-content/uploads/cv.pdf' },
	{
		key: 'wpum_gallery',
		type: 'file',
		label: 'Gallery',
		group_id: 2,
		multiple: true,
		value: ['https://example.com/wp-content/uploads/a.png', 'https://example.com/wp-content/uploads/b.png'],
	},
	{ key: 'wpum_newsletter', type: 'checkbox', label: 'Newsletter', group_id: 2, value: true },
	{ key: 'wpum_terms', type: 'checkbox', label: 'Accept terms', group_id: 2, value: null },
	{
		key: 'wpum_interests',
		type: 'multicheckbox',
		label: 'Interests',
		group_id: 2,
		value: ['php', 'js'],
		labels: ['PHP', 'JavaScript'],
		options: [
			{ value: 'php', label: 'PHP' },
			{ value: 'js', label: 'JavaScript' },
			{ value: 'go', label: 'Go' },
		],
	},
	{
		key: 'wpum_languages',
		type: 'multiselect',
		label: 'Languages',
		group_id: 2,
		multiple: true,
		value: ['en', 'fr'],
		labels: ['English', 'French'],
		options: [
			{ value: 'en', label: 'English' },
			{ value: 'fr', label: 'French' },
		],
	},
	{
		key: 'wpum_plan',
		type: 'radio',
		label: 'Plan',
		group_id: 2,
		value: 'pro',
		labels: 'Pro plan',
		options: [
			{ value: 'free', label: 'Free plan' },
			{ value: 'pro', label: 'Pro plan' },
		],
	},
	{ key: 'wpum_employees', type: 'number', label: 'Employees', group_id: 2, value: 12 },
	{ key: 'wpum_rating', type: 'number', label: 'Rating', group_id: 2, value: 4.5 },
	{ key: 'wpum_birthday', type: 'datepicker', label: 'Birthday', group_id: 2, value: '1990-04-01' },
	{ key: 'wpum_phone', type: 'telephone', label: 'Phone', group_id: 2, value: '+1 555 0100' },
	{ key: 'wpum_intro_video', type: 'video', label: 'Intro video', group_id: 2, value: 'https://video.example/intro.mp4' },
	{ key: 'wpum_podcast', type: 'audio', label: 'Podcast', group_id: 2, value: 'https://audio.example/episode.mp3' },
	{ key: 'wpum_about_html', type: 'wysiwyg', label: 'About', group_id: 2, value: '<p>Hi <strong>there</strong></p>' },
	{
		key: 'wpum_children',
		type: 'repeater',
		label: 'Children',
		group_id: 2,
		value: [
			{ name: 'Ann', age: 5 },
			{ name: 'Ben', age: 7 },
		],
	},
	{ key: 'wpum_ref', type: 'hidden', label: 'Referral code', group_id: 2, value: 'ref-42' },
	{ key: 'wpum_topics', type: 'taxonomy', label: 'Topics', group_id: 2, multiple: true, value: ['12', '15'] },
	{ key: 'wpum_mentor', type: 'user', label: 'Mentor', group_id: 2, value: '5' },
	{ key: 'wpum_member_roles', type: 'userrole', label: 'Member roles', group_id: 2, multiple: true, value: ['subscriber', 'customer'] },
];

/** The site's GET /fields answer (docs/contract.md). */
export const FIELD_CATALOG = {
	source: 'wpum',
	groups: [
		{ id: 1, name: 'Primary fields', is_primary: true },
		{ id: 2, name: 'Company details', is_primary: false },
	],
	fields: FIELD_ROWS.map((row) => ({
		key: row.key,
		label: row.label,
		type: row.type,
		group_id: row.group_id,
		group: row.group_id === 1 ? 'Primary fields' : 'Company details',
		options: row.options ?? [],
		multiple: row.multiple ?? false,
		required: row.key === 'user_email',
	})),
};

export function makeUser(overrides: Json = {}, fieldOverrides: Json = {}): Json {
	const fields: Json = Object.fromEntries(FIELD_ROWS.map((row) => [row.key, row.value]));
	const labels: Json = Object.fromEntries(FIELD_ROWS.filter((row) => row.labels !== undefined).map((row) => [row.key, row.labels]));
	const user = {
		id: 12,
		login: 'jane',
		email: 'jane@example.com',
		display_name: 'Jane Doe',
		first_name: 'Jane',
		last_name: 'Doe',
		registered_at: '2026-11-27T05:59:58Z',
		updated_at: '2026-11-27T06:00:00Z',
		roles: ['subscriber'],
		status: 'active',
		registration_form: { id: 1, name: 'Default registration form' },
		fields: { ...fields, ...fieldOverrides },
		field_labels: labels,
		crm: { hubspot: { contact_id: '1234', tags: ['Member'], linked_at: '2026-11-27T06:00:03Z' } },
		...overrides,
	};
	return valid(validateUser, user, 'user');
}

let counter = 0;

export function makeEvent(event: string, user: Json = makeUser(), extra: Json = {}): Json {
	counter++;
	const body: Json = {
		event_id: `0b7c6a9e-3c1f-4c32-9a59-${String(counter).padStart(12, '0')}`,
		event,
		occurred_at: '2026-11-27T06:00:00Z',
		site_url: 'https://example.com',
		user,
		...(event === 'user.registered' ? { form: { id: 1, name: 'Default registration form' } } : {}),
		...(event === 'user.updated' ? { changes: { fields: [] } } : {}),
		...(event === 'user.activated' ? { activation: { method: 'approval' } } : {}),
		...(event === 'user.role_changed' ? { role_change: { old: ['subscriber'], new: user.roles } } : {}),
		...extra,
	};
	return valid(validateEvent, body, 'event');
}

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true })
		.flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

const isUser = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && typeof (value as Json).login === 'string' && typeof (value as Json).fields === 'object';
const isEvent = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && typeof (value as Json).event_id === 'string' && isUser((value as Json).user);

/**
 * Real payloads the plugin's tests captured from WordPress (contract/examples/**.json), when present:
 * events (whole, or as `{ body }`), user objects, and `{ users: [...] }` pages.
 */
export function contractExamplePayloads(): Array<{ name: string; payload: Json }> {
	const dir = join(CONTRACT_DIR, 'examples');
	if (!existsSync(dir)) return [];
	const found: Array<{ name: string; payload: Json }> = [];
	for (const file of walk(dir)) {
		const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
		const name = file.slice(dir.length + 1);
		for (const candidate of [json, json.body]) if (isEvent(candidate) || isUser(candidate)) found.push({ name, payload: candidate });
		if (Array.isArray(json.users)) json.users.filter(isUser).forEach((user: Json, i: number) => found.push({ name: `${name} users[${i}]`, payload: user }));
	}
	return found;
}
