/**
 * Every format for every WPUM field type, through the real engine: one input item per field of the
 * fixture site, one association whose WPUM field is an expression picking that item's field.
 */
import type { IDataObject } from 'n8n-workflow';

import type { LocalServer } from '../../support/http-server';
import { FIELD_ROWS, makeUser } from './fixtures';
import { json, mapperHarness, NODE, startCatalogServer } from './harness';

const SKIP = Symbol('skipped: blank, nothing sent');
const ERROR = Symbol('item error');

const AVATAR = 'https://example.com/wp-content/uploads/avatar.png';
const CV = 'https://example.com/wp-content/uploads/cv.pdf';
const GALLERY = ['https://example.com/wp-content/uploads/a.png', 'https://example.com/wp-content/uploads/b.png'];
const CHILDREN_JSON = '[{"name":"Ann","age":5},{"name":"Ben","age":7}]';

type Expected = unknown;
// Columns: auto, text, number, boolean, date, list, fileUrl
const MATRIX: Record<string, [Expected, Expected, Expected, Expected, Expected, Expected, Expected]> = {
	user_login: ['jane', 'jane', ERROR, ERROR, ERROR, ['jane'], ERROR],
	user_email: ['jane@example.com', 'jane@example.com', ERROR, ERROR, ERROR, ['jane@example.com'], ERROR],
	first_name: ['Jane', 'Jane', ERROR, ERROR, ERROR, ['Jane'], ERROR],
	last_name: ['Doe', 'Doe', ERROR, ERROR, ERROR, ['Doe'], ERROR],
	nickname: ['janed', 'janed', ERROR, ERROR, ERROR, ['janed'], ERROR],
	display_name: ['Jane Doe', 'Jane Doe', ERROR, ERROR, ERROR, ['Jane Doe'], ERROR],
	user_url: ['https://jane.example', 'https://jane.example', ERROR, ERROR, ERROR, ['https://jane.example'], 'https://jane.example'],
	description: ['Hello there', 'Hello there', ERROR, ERROR, ERROR, ['Hello there'], ERROR],
	current_user_avatar: [AVATAR, AVATAR, ERROR, ERROR, ERROR, [AVATAR], AVATAR],
	user_cover: [SKIP, SKIP, SKIP, SKIP, SKIP, SKIP, SKIP],
	wpum_company: ['Acme', 'Acme', ERROR, ERROR, ERROR, ['Acme'], ERROR],
	wpum_work_email: ['jane@acme.test', 'jane@acme.test', ERROR, ERROR, ERROR, ['jane@acme.test'], ERROR],
	wpum_size: ['m', 'm', ERROR, ERROR, ERROR, ['m'], ERROR],
	wpum_portfolio: ['https://portfolio.example', 'https://portfolio.example', ERROR, ERROR, ERROR, ['https://portfolio.example'], 'https://portfolio.example'],
	wpum_bio: ['Line one\nLine two', 'Line one\nLine two', ERROR, ERROR, ERROR, ['Line one\nLine two'], ERROR],
	wpum_cv: [CV, CV, ERROR, ERROR, ERROR, [CV], CV],
	wpum_gallery: [GALLERY, GALLERY.join(', '), ERROR, true, ERROR, GALLERY, GALLERY[0]],
	wpum_newsletter: [true, 'true', 1, true, ERROR, ['true'], ERROR],
	wpum_terms: [false, SKIP, SKIP, false, SKIP, SKIP, SKIP],
	wpum_interests: [['php', 'js'], 'php, js', ERROR, true, ERROR, ['php', 'js'], ERROR],
	wpum_languages: [['en', 'fr'], 'en, fr', ERROR, true, ERROR, ['en', 'fr'], ERROR],
	wpum_plan: ['pro', 'pro', ERROR, ERROR, ERROR, ['pro'], ERROR],
	wpum_employees: [12, '12', 12, true, '1970-01-01', ['12'], ERROR],
	wpum_rating: [4.5, '4.5', 4.5, true, '1970-01-01', ['4.5'], ERROR],
	wpum_birthday: ['1990-04-01', '1990-04-01', ERROR, ERROR, '1990-04-01', ['1990-04-01'], ERROR],
	wpum_phone: ['+1 555 0100', '+1 555 0100', 15550100, ERROR, ERROR, ['+1 555 0100'], ERROR],
	wpum_intro_video: ['https://video.example/intro.mp4', 'https://video.example/intro.mp4', ERROR, ERROR, ERROR, ['https://video.example/intro.mp4'], 'https://video.example/intro.mp4'],
	wpum_podcast: ['https://audio.example/episode.mp3', 'https://audio.example/episode.mp3', ERROR, ERROR, ERROR, ['https://audio.example/episode.mp3'], 'https://audio.example/episode.mp3'],
	wpum_about_html: ['<p>Hi <strong>there</strong></p>', '<p>Hi <strong>there</strong></p>', ERROR, ERROR, ERROR, ['<p>Hi <strong>there</strong></p>'], ERROR],
	wpum_children: [CHILDREN_JSON, CHILDREN_JSON, ERROR, true, ERROR, ['{"name":"Ann","age":5}', '{"name":"Ben","age":7}'], ERROR],
	wpum_ref: ['ref-42', 'ref-42', ERROR, ERROR, ERROR, ['ref-42'], ERROR],
	wpum_topics: [['12', '15'], '12, 15', ERROR, true, ERROR, ['12', '15'], ERROR],
	wpum_mentor: ['5', '5', 5, ERROR, ERROR, ['5'], ERROR],
	wpum_member_roles: [['subscriber', 'customer'], 'subscriber, customer', ERROR, true, ERROR, ['subscriber', 'customer'], ERROR],
};

const FORMATS = ['auto', 'text', 'number', 'boolean', 'date', 'list', 'fileUrl'] as const;

/** What the node produced for each probed field: the value, SKIP, or ERROR (with the message checked). */
function outcomes(items: IDataObject[]): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	FIELD_ROWS.forEach((row, index) => {
		const item = items[index];
		if (typeof item.error === 'string') {
			expect(item.error).toContain('User 12:');
			expect(item.error).toContain(`"${row.key}"`);
			expect(item.field).toBe(row.key);
			result[row.key] = ERROR;
		} else {
			const fields = item.fields as IDataObject;
			result[row.key] = 'out' in fields ? fields.out : SKIP;
		}
	});
	return result;
}

describe('WPUM Field Mapper formats × WPUM field types', () => {
	let server: LocalServer;
	beforeAll(async () => {
		server = await startCatalogServer();
	});
	afterAll(async () => await server.close());

	it('covers every field type the WPUM reference lists', () => {
		const types = new Set(FIELD_ROWS.map((row) => row.type));
		for (const type of ['text', 'email', 'dropdown', 'url', 'textarea', 'file', 'checkbox', 'multicheckbox', 'multiselect', 'radio', 'number', 'datepicker', 'telephone', 'video', 'audio', 'wysiwyg', 'repeater', 'hidden', 'taxonomy', 'user', 'userrole']) {
			expect(types).toContain(type);
		}
		expect(Object.keys(MATRIX).sort()).toEqual(FIELD_ROWS.map((row) => row.key).sort());
	});

	it.each(FORMATS.map((format, column) => [format, column] as const))('format %s', async (format, column) => {
		const harness = mapperHarness(server);
		const input = FIELD_ROWS.map((row) => ({ ...makeUser(), probe: row.key }));
		const { output, error } = await harness.runNode(
			{
				type: NODE,
				continueOnFail: true,
				parameters: {
					wpumFieldList: 'site',
					crm: 'none',
					associations: { association: [{ wpumField: '={{ $json.probe }}', crmFieldKey: 'out', format }] },
				},
			},
			input,
		);
		expect(error).toBeUndefined();
		expect(output[0]).toHaveLength(FIELD_ROWS.length);
		const expected = Object.fromEntries(Object.entries(MATRIX).map(([key, row]) => [key, row[column]]));
		expect(outcomes(json(output[0]))).toEqual(expected);
		// The field types came from the site: its catalog was read once, then reused by every later run.
		expect(server.requests.filter((r) => r.path === '/wp-json/wpum-n8n/v1/fields')).toHaveLength(1);
	});

	it('Auto without a site catalog infers the type from the value (a never-saved checkbox is then blank)', async () => {
		const harness = mapperHarness();
		const input = FIELD_ROWS.map((row) => ({ ...makeUser(), probe: row.key }));
		const { output, error } = await harness.runNode(
			{
				type: NODE,
				continueOnFail: true,
				parameters: {
					wpumFieldList: 'typed',
					crm: 'none',
					associations: { association: [{ wpumFieldKey: '={{ $json.probe }}', crmFieldKey: 'out', format: 'auto' }] },
				},
			},
			input,
		);
		expect(error).toBeUndefined();
		const expected = Object.fromEntries(Object.entries(MATRIX).map(([key, row]) => [key, row[0]]));
		expected.wpum_terms = SKIP;
		expect(outcomes(json(output[0]))).toEqual(expected);
	});
});
