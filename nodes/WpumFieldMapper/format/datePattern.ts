/**
 * Date patterns with the tokens n8n users know from Luxon's toFormat: yyyy, yy, MMMM (January),
 * MMM (Jan), MM, M, dd, d, HH, H, mm, ss; text in single quotes is literal.
 */
const TOKEN = /yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|mm|ss|'[^']*'/g;

export const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December',
];

interface Parts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

type Piece = { token: string } | { literal: string };

const compiled = new Map<string, Piece[]>();

function pieces(pattern: string): Piece[] {
	const cached = compiled.get(pattern);
	if (cached) return cached;
	const result: Piece[] = [];
	let last = 0;
	for (const match of pattern.matchAll(TOKEN)) {
		if (match.index > last) result.push({ literal: pattern.slice(last, match.index) });
		const token = match[0];
		result.push(token.startsWith("'") ? { literal: token.slice(1, -1) } : { token });
		last = match.index + token.length;
	}
	if (last < pattern.length) result.push({ literal: pattern.slice(last) });
	compiled.set(pattern, result);
	return result;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function tokenValue(d: Date, token: string): string {
	switch (token) {
		case 'yyyy':
			return pad(d.getUTCFullYear(), 4);
		case 'yy':
			return pad(d.getUTCFullYear() % 100);
		case 'MMMM':
			return MONTHS[d.getUTCMonth()];
		case 'MMM':
			return MONTHS[d.getUTCMonth()].slice(0, 3);
		case 'MM':
			return pad(d.getUTCMonth() + 1);
		case 'M':
			return String(d.getUTCMonth() + 1);
		case 'dd':
			return pad(d.getUTCDate());
		case 'd':
			return String(d.getUTCDate());
		case 'HH':
			return pad(d.getUTCHours());
		case 'H':
			return String(d.getUTCHours());
		case 'mm':
			return pad(d.getUTCMinutes());
		default:
			return pad(d.getUTCSeconds());
	}
}

/** Formats a UTC timestamp with a pattern. */
export function formatWithPattern(ms: number, pattern: string): string {
	const d = new Date(ms);
	let text = '';
	for (const piece of pieces(pattern)) text += 'token' in piece ? tokenValue(d, piece.token) : piece.literal;
	return text;
}

const TOKEN_REGEX: Record<string, string> = {
	yyyy: '(\\d{4})',
	yy: '(\\d{2})',
	MMMM: '([A-Za-z]+)',
	MMM: '([A-Za-z]{3})',
	MM: '(\\d{2})',
	M: '(\\d{1,2})',
	dd: '(\\d{2})',
	d: '(\\d{1,2})',
	HH: '(\\d{2})',
	H: '(\\d{1,2})',
	mm: '(\\d{2})',
	ss: '(\\d{2})',
};

const parsers = new Map<string, RegExp>();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function monthFromName(name: string): number | undefined {
	const lower = name.toLowerCase();
	const index = MONTHS.findIndex((m) => m.toLowerCase() === lower || m.slice(0, 3).toLowerCase() === lower);
	return index === -1 ? undefined : index + 1;
}

/** Reads `text` written with `pattern`; undefined when it does not match or is not a real date. */
export function parseWithPattern(text: string, pattern: string): number | undefined {
	const list = pieces(pattern);
	let regex = parsers.get(pattern);
	if (!regex) {
		regex = new RegExp('^' + list.map((p) => ('token' in p ? TOKEN_REGEX[p.token] : escape(p.literal))).join('') + '$', 'i');
		parsers.set(pattern, regex);
	}
	const match = regex.exec(text.trim());
	if (!match) return undefined;
	const parts: Parts = { year: NaN, month: NaN, day: NaN, hour: 0, minute: 0, second: 0 };
	let group = 1;
	for (const piece of list) {
		if (!('token' in piece)) continue;
		const raw = match[group++];
		switch (piece.token) {
			case 'yyyy':
				parts.year = Number(raw);
				break;
			case 'yy':
				parts.year = 2000 + Number(raw) - (Number(raw) > 69 ? 100 : 0);
				break;
			case 'MMMM':
			case 'MMM':
				parts.month = monthFromName(raw) ?? NaN;
				break;
			case 'MM':
			case 'M':
				parts.month = Number(raw);
				break;
			case 'dd':
			case 'd':
				parts.day = Number(raw);
				break;
			case 'HH':
			case 'H':
				parts.hour = Number(raw);
				break;
			case 'mm':
				parts.minute = Number(raw);
				break;
			case 'ss':
				parts.second = Number(raw);
				break;
		}
	}
	return utc(parts);
}

/** The UTC timestamp of these parts, or undefined when they are not a real date (31 February). */
export function utc(parts: Parts): number | undefined {
	const { year, month, day, hour, minute, second } = parts;
	if (![year, month, day].every(Number.isFinite)) return undefined;
	const ms = Date.UTC(year, month - 1, day, hour, minute, second);
	const d = new Date(ms);
	if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
	if (hour > 23 || minute > 59 || second > 59) return undefined;
	return ms;
}
