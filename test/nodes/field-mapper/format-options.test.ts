/** Each format's settings: labels vs values, list and file outputs, boolean styles, date outputs and inputs. */
import type { IDataObject } from 'n8n-workflow';

import type { LocalServer } from '../../support/http-server';
import { makeUser } from './fixtures';
import { associations, json, mapperHarness, NODE, startCatalogServer } from './harness';
import type { Association } from './harness';

async function mapFields(rows: Association[], user: IDataObject = makeUser(), server?: LocalServer) {
	const harness = mapperHarness(server);
	const { output, error } = await harness.runNode(
		{
			type: NODE,
			continueOnFail: true,
			parameters: { wpumFieldList: server ? 'site' : 'typed', crm: 'none', associations: associations(rows, server ? 'site' : 'typed') },
		},
		[user],
	);
	expect(error).toBeUndefined();
	return json(output[0])[0];
}

describe('labels vs values for choice fields', () => {
	it('sends stored values by default and labels when asked, for Text and List', async () => {
		const item = await mapFields([
			{ field: 'wpum_size', to: 'size_value', format: 'text' },
			{ field: 'wpum_size', to: 'size_label', format: 'text', choiceText: 'labels' },
			{ field: 'wpum_plan', to: 'plan_label', format: 'text', choiceText: 'labels' },
			{ field: 'wpum_interests', to: 'interests_values', format: 'list' },
			{ field: 'wpum_interests', to: 'interests_labels', format: 'list', choiceText: 'labels' },
			{ field: 'wpum_languages', to: 'languages_text', format: 'text', choiceText: 'labels', separator: ' / ' },
			{ field: 'wpum_languages', to: 'languages_joined', format: 'list', choiceText: 'labels', listOutput: 'joined', separator: '; ' },
		]);
		expect(item.fields).toEqual({
			size_value: 'm',
			size_label: 'Medium (10–50)',
			plan_label: 'Pro plan',
			interests_values: ['php', 'js'],
			interests_labels: ['PHP', 'JavaScript'],
			languages_text: 'English / French',
			languages_joined: 'English; French',
		});
	});

	it("falls back to the site catalog's option labels when the payload has none", async () => {
		const server = await startCatalogServer();
		try {
			const user = makeUser({ field_labels: {} });
			const item = await mapFields(
				[
					{ field: 'wpum_interests', to: 'interests', format: 'list', choiceText: 'labels' },
					{ field: 'wpum_plan', to: 'plan', format: 'text', choiceText: 'labels' },
				],
				user,
				server,
			);
			expect(item.fields).toEqual({ interests: ['PHP', 'JavaScript'], plan: 'Pro plan' });
		} finally {
			await server.close();
		}
	});
});

describe('file URLs', () => {
	it('sends the first URL, all URLs, or all joined', async () => {
		const item = await mapFields([
			{ field: 'wpum_gallery', to: 'first', format: 'fileUrl' },
			{ field: 'wpum_gallery', to: 'all', format: 'fileUrl', fileOutput: 'array' },
			{ field: 'wpum_gallery', to: 'joined', format: 'fileUrl', fileOutput: 'joined', separator: '\n' },
			{ field: 'wpum_cv', to: 'cv', format: 'fileUrl', fileOutput: 'array' },
		]);
		expect(item.fields).toEqual({
			first: 'https://example.com/wp-content/uploads/a.png',
			all: ['https://example.com/wp-content/uploads/a.png', 'https://example.com/wp-content/uploads/b.png'],
			joined: 'https://example.com/wp-content/uploads/a.png\nhttps://example.com/wp-content/uploads/b.png',
			cv: ['https://example.com/wp-content/uploads/cv.pdf'],
		});
	});
});

describe('booleans', () => {
	it.each([
		['boolean', true, false],
		['yesNo', 'yes', 'no'],
		['oneZero', 1, 0],
	])('%s', async (booleanStyle, checked, unchecked) => {
		const server = await startCatalogServer();
		try {
			const user = makeUser({}, { wpum_newsletter: true, wpum_terms: null });
			const item = await mapFields(
				[
					{ field: 'wpum_newsletter', to: 'newsletter', format: 'boolean', booleanStyle },
					{ field: 'wpum_terms', to: 'terms', format: 'boolean', booleanStyle },
				],
				user,
				server,
			);
			expect(item.fields).toEqual({ newsletter: checked, terms: unchecked });
		} finally {
			await server.close();
		}
	});
});

describe('dates', () => {
	it.each([
		['isoDate', {}, '1990-04-01'],
		['isoDateTime', {}, '1990-04-01T00:00:00.000Z'],
		['unixSeconds', {}, 638928000],
		['unixMilliseconds', {}, 638928000000],
		['pattern', { datePattern: 'dd/MM/yyyy' }, '01/04/1990'],
		['pattern', { datePattern: 'MMMM d, yyyy' }, 'April 1, 1990'],
		['pattern', { datePattern: "d MMM yy 'at' HH:mm" }, '1 Apr 90 at 00:00'],
	])('output %s %j', async (dateOutput, extra, expected) => {
		const item = await mapFields([{ field: 'wpum_birthday', to: 'birthday', format: 'date', dateOutput, ...extra }]);
		expect(item.fields).toEqual({ birthday: expected });
	});

	it('formats the registration time with its time of day', async () => {
		const item = await mapFields([
			{ field: 'registered_at', to: 'since', format: 'date', dateOutput: 'unixSeconds' },
			{ field: 'registered_at', to: 'since_text', format: 'date', dateOutput: 'pattern', datePattern: 'yyyy-MM-dd HH:mm:ss' },
			{ field: 'registered_at', to: 'auto' },
		]);
		expect(item.fields).toEqual({ since: 1795759198, since_text: '2026-11-27 05:59:58', auto: '2026-11-27T05:59:58.000Z' });
	});

	// WPUM stores Y-m-d from the front end but the site's date_format from wp-admin.
	it.each([
		['front end (Y-m-d)', '1990-04-01', {}],
		['wp-admin, WordPress default "F j, Y"', 'April 1, 1990', {}],
		['wp-admin, "j F Y"', '1 April 1990', {}],
		['wp-admin, "Y/m/d"', '1990/04/01', {}],
		['wp-admin, "d/m/Y" with Read Dates As', '01/04/1990', { dateInputPattern: 'dd/MM/yyyy' }],
		['wp-admin, "m.d.y" with Read Dates As', '04.01.90', { dateInputPattern: 'MM.dd.yy' }],
		['plugin (normalized) even when Read Dates As is set', '1990-04-01', { dateInputPattern: 'dd/MM/yyyy' }],
	])('reads a datepicker stored from the %s', async (_label, stored, extra) => {
		const user = makeUser({}, { wpum_birthday: stored });
		const item = await mapFields([{ field: 'wpum_birthday', to: 'birthday', format: 'date', ...extra }], user);
		expect(item.fields).toEqual({ birthday: '1990-04-01' });
	});

	it('reads a datepicker under Auto whichever way it was stored', async () => {
		const server = await startCatalogServer();
		try {
			const user = makeUser({}, { wpum_birthday: 'April 1, 1990' });
			const item = await mapFields([{ field: 'wpum_birthday', to: 'birthday' }], user, server);
			expect(item.fields).toEqual({ birthday: '1990-04-01' });
		} finally {
			await server.close();
		}
	});

	it.each([
		['an ambiguous day/month order', '01/04/1990', {}, /Read Dates As/],
		['a date that does not exist', '1990-02-30', {}, /Read Dates As/],
		['text that is not a date', 'soon', {}, /Read Dates As/],
		['a value the pattern does not fit', '1990.04.01x', { dateInputPattern: 'dd/MM/yyyy' }, /does not match the pattern "dd\/MM\/yyyy"/],
	])('rejects %s naming the user, the field and the fix', async (_label, stored, extra, fix) => {
		const user = makeUser({}, { wpum_birthday: stored });
		const item = await mapFields([{ field: 'wpum_birthday', to: 'birthday', format: 'date', ...extra }], user);
		expect(item.error).toBe(`User 12: The date ${JSON.stringify(stored)} of "wpum_birthday" could not be read`);
		expect(item.fix).toMatch(fix);
		expect(item.field).toBe('wpum_birthday');
		expect(item.fields).toBeUndefined();
	});
});
