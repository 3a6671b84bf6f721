<?php
/**
 * Sends outbox rows: signed POSTs after the response, retries from WP-Cron with exponential backoff.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Delivery runner.
 */
class WPUM_N8N_Dispatcher {

	const CRON_HOOK        = 'wpum_n8n_deliver_due';
	const CRON_SCHEDULE    = 'wpum_n8n_every_minute';
	const AJAX_ACTION      = 'wpum_n8n_deliver';
	const TIMEOUT_SECONDS  = 10;
	const LOCK_SECONDS     = 60;
	const FIRST_BACKOFF    = MINUTE_IN_SECONDS;
	const MAX_BACKOFF      = 6 * HOUR_IN_SECONDS;
	const RETRY_WINDOW     = 72 * HOUR_IN_SECONDS;
	const BATCH_SIZE       = 50;
	const RUN_TIME_BUDGET  = 25;

	private static bool $has_new_rows = false;

	public static function register(): void {
		add_filter( 'cron_schedules', array( __CLASS__, 'cron_schedules' ) );
		add_action( self::CRON_HOOK, array( __CLASS__, 'run_from_cron' ) );
		add_action( 'wp_ajax_nopriv_' . self::AJAX_ACTION, array( __CLASS__, 'run_from_loopback' ) );
		add_action( 'wp_ajax_' . self::AJAX_ACTION, array( __CLASS__, 'run_from_loopback' ) );
		add_action( 'shutdown', array( __CLASS__, 'after_response' ), 100 );
	}

	public static function cron_schedules( array $schedules ): array {
		$schedules[ self::CRON_SCHEDULE ] = array(
			'interval' => MINUTE_IN_SECONDS,
			'display'  => __( 'Every minute (WPUM n8n Connector retries)', 'wpum-n8n-connector' ),
		);
		return $schedules;
	}

	public static function schedule_cron(): void {
		if ( ! wp_next_scheduled( self::CRON_HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, self::CRON_SCHEDULE, self::CRON_HOOK );
		}
	}

	public static function unschedule_cron(): void {
		wp_clear_scheduled_hook( self::CRON_HOOK );
	}

	/**
	 * Called after rows were written in this request, so the shutdown hook sends them.
	 */
	public static function notify_new_rows(): void {
		self::$has_new_rows = true;
	}

	/**
	 * On shutdown: finish the HTTP response first where PHP-FPM allows it, then send; otherwise hand the
	 * sending to a non-blocking loopback request (WP-Cron retries whatever that misses).
	 */
	public static function after_response(): void {
		if ( ! self::$has_new_rows ) {
			return;
		}
		self::$has_new_rows = false;
		$can_finish         = function_exists( 'fastcgi_finish_request' ) || function_exists( 'litespeed_finish_request' );
		if ( apply_filters( 'wpum_n8n_deliver_after_response', $can_finish ) ) {
			if ( function_exists( 'fastcgi_finish_request' ) ) {
				fastcgi_finish_request();
			} elseif ( function_exists( 'litespeed_finish_request' ) ) {
				litespeed_finish_request();
			}
			self::run_due();
			return;
		}
		self::spawn_loopback();
	}

	public static function loopback_token(): string {
		return wp_hash( 'wpum_n8n_deliver_loopback' );
	}

	private static function spawn_loopback(): void {
		if ( ! apply_filters( 'wpum_n8n_spawn_loopback', true ) ) {
			return;
		}
		wp_remote_post(
			admin_url( 'admin-ajax.php' ),
			array(
				'timeout'   => 0.01,
				'blocking'  => false,
				// Same reasoning as core's spawn_cron(): a loopback to this very site.
				'sslverify' => apply_filters( 'https_local_ssl_verify', false ),
				'body'      => array(
					'action' => self::AJAX_ACTION,
					'token'  => self::loopback_token(),
				),
			)
		);
	}

	public static function run_from_loopback(): void {
		$token = isset( $_POST['token'] ) ? sanitize_text_field( wp_unslash( $_POST['token'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- authenticated by the HMAC token.
		if ( ! hash_equals( self::loopback_token(), $token ) ) {
			wp_send_json_error( array( 'message' => 'invalid token' ), 403 );
		}
		ignore_user_abort( true );
		wp_send_json_success( array( 'attempted' => self::run_due() ) );
	}

	public static function run_from_cron(): void {
		self::run_due();
		WPUM_N8N_Outbox::prune();
	}

	/**
	 * Sends every due row (up to a batch and a time budget). A subscription that fails once in a run is
	 * skipped for the rest of that run: its other rows wait for the next run, without spending an attempt.
	 *
	 * @return int Attempts made.
	 */
	public static function run_due(): int {
		$started  = microtime( true );
		$attempts = 0;
		$down     = array();
		foreach ( WPUM_N8N_Outbox::due_ids( self::BATCH_SIZE ) as $id ) {
			if ( microtime( true ) - $started > self::RUN_TIME_BUDGET ) {
				break;
			}
			$row = WPUM_N8N_Outbox::row( $id );
			if ( ! $row || isset( $down[ (int) $row['webhook_id'] ] ) ) {
				continue;
			}
			if ( ! WPUM_N8N_Outbox::claim( $id, self::LOCK_SECONDS ) ) {
				continue;
			}
			++$attempts;
			if ( ! self::send( $id ) ) {
				$down[ (int) $row['webhook_id'] ] = true;
			}
		}
		return $attempts;
	}

	/**
	 * One attempt for one claimed row. Returns true when the receiver acknowledged it (2xx).
	 */
	public static function send( int $id ): bool {
		$row = WPUM_N8N_Outbox::row( $id );
		if ( ! $row || 'pending' !== $row['status'] ) {
			return false;
		}
		$webhook  = WPUM_N8N_Webhooks::row( (int) $row['webhook_id'] );
		$attempt  = (int) $row['attempts'] + 1;
		$now      = WPUM_N8N_Clock::now();
		if ( ! $webhook ) {
			WPUM_N8N_Outbox::update(
				$id,
				array(
					'status'       => 'failed',
					'last_error'   => __( 'The subscription was deleted before this event could be delivered.', 'wpum-n8n-connector' ),
					'locked_until' => null,
				)
			);
			return true;
		}

		$timestamp = (string) time();
		$body      = (string) $row['payload'];
		$response  = wp_remote_post(
			$webhook['url'],
			array(
				'timeout'     => (float) apply_filters( 'wpum_n8n_delivery_timeout', self::TIMEOUT_SECONDS ),
				'redirection' => 0,
				'headers'     => array(
					'Content-Type'     => 'application/json',
					'User-Agent'       => 'WPUM-n8n-Connector/' . WPUM_N8N_VERSION . '; ' . home_url( '/' ),
					'X-WPUM-Event-Id'  => $row['event_id'],
					'X-WPUM-Event'     => $row['event'],
					'X-WPUM-Timestamp' => $timestamp,
					'X-WPUM-Signature' => 'sha256=' . hash_hmac( 'sha256', $timestamp . '.' . $body, $webhook['secret'] ),
					'X-WPUM-Delivery'  => (string) $id,
					'X-WPUM-Attempt'   => (string) $attempt,
				),
				'body'        => $body,
			)
		);

		$code = is_wp_error( $response ) ? null : (int) wp_remote_retrieve_response_code( $response );
		if ( null !== $code && $code >= 200 && $code < 300 ) {
			WPUM_N8N_Outbox::update(
				$id,
				array(
					'status'           => 'delivered',
					'attempts'         => $attempt,
					'last_http_status' => $code,
					'last_error'       => null,
					'delivered_at'     => WPUM_N8N_Clock::to_mysql( $now ),
					'locked_until'     => null,
				)
			);
			return true;
		}

		$error = is_wp_error( $response )
			? $response->get_error_message()
			/* translators: 1: HTTP status code, 2: start of the response body */
			: sprintf( __( 'HTTP %1$d: %2$s', 'wpum-n8n-connector' ), $code, wp_html_excerpt( wp_strip_all_tags( (string) wp_remote_retrieve_body( $response ) ), 200, '…' ) );
		$created  = (int) strtotime( $row['created_at'] . ' UTC' );
		$give_up  = ( $now - $created ) >= (int) apply_filters( 'wpum_n8n_retry_window', self::RETRY_WINDOW );
		$data     = array(
			'attempts'         => $attempt,
			'last_http_status' => $code,
			'last_error'       => $error,
			'locked_until'     => null,
		);
		if ( $give_up ) {
			$data['status'] = 'failed';
		} else {
			$data['next_attempt_at'] = WPUM_N8N_Clock::to_mysql( $now + self::backoff( $attempt ) );
		}
		WPUM_N8N_Outbox::update( $id, $data );
		return false;
	}

	/**
	 * Seconds to wait after the given failed attempt: 1 min, doubling, at most 6 h.
	 */
	public static function backoff( int $attempt ): int {
		$delay = self::FIRST_BACKOFF * ( 2 ** min( max( $attempt - 1, 0 ), 20 ) );
		return (int) min( $delay, self::MAX_BACKOFF );
	}
}
