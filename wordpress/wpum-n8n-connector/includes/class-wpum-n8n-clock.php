<?php
/**
 * The plugin's notion of "now", so retry schedules can be tested without waiting.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Current time for scheduling (backoff, retry windows). Signatures always use the real clock.
 */
class WPUM_N8N_Clock {

	/**
	 * Unix seconds. Filter `wpum_n8n_now` lets tests (or a site) move time.
	 */
	public static function now(): int {
		return (int) apply_filters( 'wpum_n8n_now', time() );
	}

	/**
	 * MySQL DATETIME (UTC) for a Unix time.
	 */
	public static function to_mysql( int $timestamp ): string {
		return gmdate( 'Y-m-d H:i:s', $timestamp );
	}

	/**
	 * ISO 8601 UTC (`2026-11-27T06:00:00Z`) from a MySQL DATETIME in UTC, or null when empty.
	 */
	public static function mysql_to_iso( ?string $mysql ): ?string {
		if ( null === $mysql || '' === $mysql || str_starts_with( $mysql, '0000-00-00' ) ) {
			return null;
		}
		$timestamp = strtotime( $mysql . ' UTC' );
		return false === $timestamp ? null : gmdate( 'Y-m-d\TH:i:s\Z', $timestamp );
	}

	/**
	 * ISO 8601 UTC from Unix seconds.
	 */
	public static function iso( int $timestamp ): string {
		return gmdate( 'Y-m-d\TH:i:s\Z', $timestamp );
	}
}
