import { createHmac, timingSafeEqual } from 'crypto';

/** `sha256=` + hex HMAC-SHA256 over `timestamp + "." + raw body`, as the plugin signs each delivery. */
export function signPayload(secret: string, timestamp: string, rawBody: Buffer | string): string {
	const hmac = createHmac('sha256', secret);
	hmac.update(`${timestamp}.`);
	hmac.update(rawBody);
	return `sha256=${hmac.digest('hex')}`;
}

/** Constant-time comparison of the received signature header with the expected one. */
export function isValidSignature(
	secret: string,
	timestamp: string,
	rawBody: Buffer | string,
	received: string | undefined,
): boolean {
	if (!received || !timestamp) return false;
	const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'utf8');
	const given = Buffer.from(received.trim().toLowerCase(), 'utf8');
	if (given.length !== expected.length) return false;
	return timingSafeEqual(given, expected);
}

/** Whether a Unix-seconds timestamp is within `toleranceSeconds` of `nowMs`; a tolerance of 0 turns the check off. */
export function isFreshTimestamp(timestamp: string, toleranceSeconds: number, nowMs: number): boolean {
	if (toleranceSeconds <= 0) return true;
	if (!/^\d{9,11}$/.test(timestamp)) return false;
	return Math.abs(nowMs / 1000 - Number(timestamp)) <= toleranceSeconds;
}
