import { MappingError } from '../errors';
import { formatWithPattern, monthFromName, parseWithPattern, utc } from './datePattern';
import { isEmpty } from './empty';
import type { FormatContext, Formatter } from './types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const YEAR_FIRST = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
const MONTH_NAME_FIRST = /^([A-Za-z]{3,})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;
const DAY_FIRST_MONTH_NAME = /^(\d{1,2})(?:st|nd|rd|th)?\.? ([A-Za-z]{3,})\.?,? (\d{4})$/;

const day = (year: string, month: number | undefined, date: string) =>
	month === undefined ? undefined : utc({ year: Number(year), month, day: Number(date), hour: 0, minute: 0, second: 0 });

/** Recognises the forms a WPUM date arrives in; `undefined` when none fits. */
function parseKnownForms(text: string): number | undefined {
	let match = ISO_DATE.exec(text);
	if (match) return day(match[1], Number(match[2]), match[3]);
	if (ISO_DATE_TIME.test(text)) {
		const ms = Date.parse(HAS_ZONE.test(text) ? text : `${text.replace(' ', 'T')}Z`);
		return Number.isNaN(ms) ? undefined : ms;
	}
	if (/^\d{9,13}$/.test(text)) return unix(Number(text));
	match = YEAR_FIRST.exec(text);
	if (match) return day(match[1], Number(match[2]), match[3]);
	// WordPress's default date format ("F j, Y": November 27, 2026) and its day-first cousins.
	match = MONTH_NAME_FIRST.exec(text);
	if (match) return day(match[3], monthFromName(match[1]), match[2]);
	match = DAY_FIRST_MONTH_NAME.exec(text);
	if (match) return day(match[3], monthFromName(match[2]), match[1]);
	return undefined;
}

/** Seconds below 10^11 (until year 5138), milliseconds above. */
const unix = (n: number) => (Math.abs(n) < 1e11 ? n * 1000 : n);

/** The UTC timestamp of a WPUM date value; throws a MappingError naming the field when it does not parse. */
export function parseDate(value: unknown, context: FormatContext): number {
	if (typeof value === 'number' && Number.isFinite(value)) return unix(value);
	if (typeof value === 'string') {
		const text = value.trim();
		const ms =
			parseKnownForms(text) ??
			(context.options.dateInputPattern ? parseWithPattern(text, context.options.dateInputPattern) : undefined);
		if (ms !== undefined) return ms;
	}
	const hint = context.options.dateInputPattern
		? `It does not match the pattern "${context.options.dateInputPattern}" either: check that pattern against how WordPress shows this date.`
		: 'If the site stores dates another way (e.g. 27/11/2026), set this association\'s "Read Dates As" to that pattern (e.g. dd/MM/yyyy), or correct the date in WordPress.';
	throw new MappingError(`The date ${JSON.stringify(value)} of "${context.field.key}" could not be read`, hint, context.field.key);
}

/** Date: ISO date, ISO date-time, Unix seconds or milliseconds, or a pattern. Dates are calendar days in UTC. */
export const formatDate: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	const ms = parseDate(value, context);
	switch (context.options.dateOutput) {
		case 'isoDateTime':
			return new Date(ms).toISOString();
		case 'unixSeconds':
			return Math.floor(ms / 1000);
		case 'unixMilliseconds':
			return ms;
		case 'pattern':
			if (!context.options.datePattern) {
				throw new MappingError(
					`The association for "${context.field.key}" sends dates with a pattern but the pattern is empty`,
					'Fill in "Date Pattern" (e.g. dd/MM/yyyy) or choose another date output.',
					context.field.key,
				);
			}
			return formatWithPattern(ms, context.options.datePattern);
		default:
			return new Date(ms).toISOString().slice(0, 10);
	}
};
