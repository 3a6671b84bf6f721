<?php
/**
 * Webhook subscriptions: where events go, which events, and each subscription's signing secret.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Repository of subscriptions. Secrets are stored in clear (they are needed to sign) and only
 * `get_secret()` reads them; nothing that is returned to a client contains them.
 */
class WPUM_N8N_Webhooks {

	const EVENTS = array(
		'user.registered',
		'user.updated',
		'user.activated',
		'user.rejected',
		'user.role_changed',
		'user.deleted',
	);

	const MIN_SECRET_LENGTH = 32;

	/**
	 * Checks a subscription request; returns a WP_Error saying what to fix, or the cleaned values.
	 *
	 * @return array|WP_Error
	 */
	public static function validate( $url, $events, $secret, $name = '' ) {
		$url    = is_string( $url ) ? trim( $url ) : '';
		$scheme = strtolower( (string) wp_parse_url( $url, PHP_URL_SCHEME ) );
		$host   = (string) wp_parse_url( $url, PHP_URL_HOST );
		if ( '' === $url || ! in_array( $scheme, array( 'http', 'https' ), true ) || '' === $host ) {
			return new WP_Error( 'wpum_n8n_invalid_url', __( 'The webhook URL must be a full http:// or https:// address, for example the Production URL of your n8n WP User Manager Trigger.', 'wpum-n8n-connector' ), array( 'status' => 400 ) );
		}

		if ( is_string( $events ) ) {
			$events = array_filter( array_map( 'trim', explode( ',', $events ) ) );
		}
		if ( ! is_array( $events ) || ! $events ) {
			return new WP_Error( 'wpum_n8n_invalid_events', sprintf( /* translators: %s: list of event names */ __( 'Choose at least one event: "*" for all, or any of %s.', 'wpum-n8n-connector' ), implode( ', ', self::EVENTS ) ), array( 'status' => 400 ) );
		}
		$events  = array_values( array_unique( array_map( 'strval', $events ) ) );
		$unknown = array_diff( $events, array_merge( array( '*' ), self::EVENTS ) );
		if ( $unknown ) {
			return new WP_Error(
				'wpum_n8n_invalid_events',
				sprintf( /* translators: 1: unknown names, 2: known names */ __( 'Unknown event name(s): %1$s. Use "*" for all events, or any of %2$s.', 'wpum-n8n-connector' ), implode( ', ', $unknown ), implode( ', ', self::EVENTS ) ),
				array( 'status' => 400 )
			);
		}
		if ( in_array( '*', $events, true ) ) {
			$events = array( '*' );
		}

		if ( ! is_string( $secret ) || strlen( $secret ) < self::MIN_SECRET_LENGTH ) {
			return new WP_Error( 'wpum_n8n_invalid_secret', sprintf( /* translators: %d: minimum length */ __( 'The secret must be at least %d characters long (a random string; the n8n trigger generates one).', 'wpum-n8n-connector' ), self::MIN_SECRET_LENGTH ), array( 'status' => 400 ) );
		}

		return array(
			'url'    => esc_url_raw( $url, array( 'http', 'https' ) ),
			'events' => $events,
			'secret' => $secret,
			'name'   => is_string( $name ) ? sanitize_text_field( $name ) : '',
		);
	}

	/**
	 * @return array|WP_Error The public view of the new subscription.
	 */
	public static function create( $url, $events, $secret, $name = '' ) {
		global $wpdb;
		$clean = self::validate( $url, $events, $secret, $name );
		if ( is_wp_error( $clean ) ) {
			return $clean;
		}
		$wpdb->insert(
			WPUM_N8N_Schema::webhooks_table(),
			array(
				'name'       => $clean['name'],
				'url'        => $clean['url'],
				'events'     => wp_json_encode( $clean['events'] ),
				'secret'     => $clean['secret'],
				'created_at' => WPUM_N8N_Clock::to_mysql( time() ),
			),
			array( '%s', '%s', '%s', '%s', '%s' )
		);
		return self::get( (int) $wpdb->insert_id );
	}

	public static function delete( int $id ): bool {
		global $wpdb;
		return (bool) $wpdb->delete( WPUM_N8N_Schema::webhooks_table(), array( 'id' => $id ), array( '%d' ) );
	}

	/**
	 * Public view (no secret), or null.
	 */
	public static function get( int $id ): ?array {
		$row = self::row( $id );
		return $row ? self::to_public( $row ) : null;
	}

	/**
	 * @return array[] Public views, oldest first.
	 */
	public static function all(): array {
		global $wpdb;
		$table = WPUM_N8N_Schema::webhooks_table();
		$rows  = $wpdb->get_results( "SELECT id, name, url, events, created_at FROM {$table} ORDER BY id ASC", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_map( array( __CLASS__, 'to_public' ), $rows ? $rows : array() );
	}

	/**
	 * Subscriptions that want this event (public views).
	 */
	public static function subscribed_to( string $event ): array {
		return array_values(
			array_filter(
				self::all(),
				static fn( $hook ) => in_array( '*', $hook['events'], true ) || in_array( $event, $hook['events'], true )
			)
		);
	}

	/**
	 * Full row including the URL and secret, for signing and sending only.
	 */
	public static function row( int $id ): ?array {
		global $wpdb;
		$table = WPUM_N8N_Schema::webhooks_table();
		$row   = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$table} WHERE id = %d", $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	private static function to_public( array $row ): array {
		$events = json_decode( (string) $row['events'], true );
		return array(
			'id'         => (int) $row['id'],
			'url'        => (string) $row['url'],
			'events'     => is_array( $events ) ? array_values( $events ) : array(),
			'name'       => (string) $row['name'],
			'created_at' => WPUM_N8N_Clock::mysql_to_iso( $row['created_at'] ),
		);
	}
}
