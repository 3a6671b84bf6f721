<?php
/**
 * The persistent outbox: one row per (event, subscription), written in the request, sent later.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes outbox rows. Rows move pending → delivered, or pending → failed after the retry window.
 */
class WPUM_N8N_Outbox {

	const STATUSES = array( 'pending', 'delivered', 'failed' );

	/** Rows per INSERT: one statement for a normal request, bounded for bulk imports (max_allowed_packet). */
	const INSERT_CHUNK = 100;

	/**
	 * Writes events for their subscriptions: one insert statement (per 100 rows).
	 *
	 * @param array $events Each: event_id, event, user_id, body (the JSON string to send), webhook_ids.
	 * @return int Rows written.
	 */
	public static function enqueue( array $events ): int {
		global $wpdb;
		$now  = WPUM_N8N_Clock::to_mysql( WPUM_N8N_Clock::now() );
		$rows = array();
		foreach ( $events as $event ) {
			foreach ( $event['webhook_ids'] as $webhook_id ) {
				$rows[] = array( $event['event_id'], $event['event'], (int) $webhook_id, (int) $event['user_id'], $event['body'], $now, $now );
			}
		}
		$table = WPUM_N8N_Schema::outbox_table();
		foreach ( array_chunk( $rows, self::INSERT_CHUNK ) as $chunk ) {
			$placeholders = implode( ', ', array_fill( 0, count( $chunk ), "(%s, %s, %d, %d, %s, 'pending', 0, %s, %s)" ) );
			$sql          = "INSERT INTO {$table} (event_id, event, webhook_id, user_id, payload, status, attempts, next_attempt_at, created_at) VALUES {$placeholders}";
			$wpdb->query( $wpdb->prepare( $sql, array_merge( ...$chunk ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}
		return count( $rows );
	}

	/**
	 * Ids of pending rows whose next attempt is due and that no runner holds.
	 */
	public static function due_ids( int $limit ): array {
		global $wpdb;
		$table = WPUM_N8N_Schema::outbox_table();
		$now   = WPUM_N8N_Clock::to_mysql( WPUM_N8N_Clock::now() );
		$ids   = $wpdb->get_col(
			$wpdb->prepare(
				"SELECT id FROM {$table} WHERE status = 'pending' AND next_attempt_at <= %s AND (locked_until IS NULL OR locked_until < %s) ORDER BY id ASC LIMIT %d", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				$now,
				$now,
				$limit
			)
		);
		return array_map( 'intval', $ids ? $ids : array() );
	}

	/**
	 * Takes a row for one runner; false when another runner has it or it is no longer pending.
	 */
	public static function claim( int $id, int $lock_seconds ): bool {
		global $wpdb;
		$table = WPUM_N8N_Schema::outbox_table();
		$now   = WPUM_N8N_Clock::now();
		$rows  = $wpdb->query(
			$wpdb->prepare(
				"UPDATE {$table} SET locked_until = %s WHERE id = %d AND status = 'pending' AND (locked_until IS NULL OR locked_until < %s)", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				WPUM_N8N_Clock::to_mysql( $now + $lock_seconds ),
				$id,
				WPUM_N8N_Clock::to_mysql( $now )
			)
		);
		return 1 === (int) $rows;
	}

	public static function row( int $id ): ?array {
		global $wpdb;
		$table = WPUM_N8N_Schema::outbox_table();
		$row   = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$table} WHERE id = %d", $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	public static function update( int $id, array $data ): void {
		global $wpdb;
		$wpdb->update( WPUM_N8N_Schema::outbox_table(), $data, array( 'id' => $id ) );
	}

	/**
	 * Puts a failed (or waiting) delivery back in line for an attempt now.
	 *
	 * @return array|WP_Error The delivery.
	 */
	public static function retry( int $id ) {
		$row = self::row( $id );
		if ( ! $row ) {
			return new WP_Error( 'wpum_n8n_delivery_not_found', sprintf( /* translators: %d: delivery id */ __( 'There is no delivery %d. List deliveries with GET /wpum-n8n/v1/deliveries.', 'wpum-n8n-connector' ), $id ), array( 'status' => 404 ) );
		}
		if ( 'delivered' === $row['status'] ) {
			return new WP_Error( 'wpum_n8n_already_delivered', sprintf( /* translators: %d: delivery id */ __( 'Delivery %d was already delivered; only pending or failed deliveries can be retried.', 'wpum-n8n-connector' ), $id ), array( 'status' => 409 ) );
		}
		self::update(
			$id,
			array(
				'status'          => 'pending',
				'next_attempt_at' => WPUM_N8N_Clock::to_mysql( WPUM_N8N_Clock::now() ),
				'locked_until'    => null,
			)
		);
		return self::to_public( self::row( $id ) );
	}

	/**
	 * @return array{0: array[], 1: int} Public rows (newest first) and the total.
	 */
	public static function page( ?string $status, int $page, int $per_page ): array {
		global $wpdb;
		$table  = WPUM_N8N_Schema::outbox_table();
		$where  = $status ? $wpdb->prepare( 'WHERE status = %s', $status ) : '';
		$total  = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$table} {$where}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$offset = ( $page - 1 ) * $per_page;
		$rows   = $wpdb->get_results(
			$wpdb->prepare( "SELECT * FROM {$table} {$where} ORDER BY id DESC LIMIT %d OFFSET %d", $per_page, $offset ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			ARRAY_A
		);
		return array( array_map( array( __CLASS__, 'to_public' ), $rows ? $rows : array() ), $total );
	}

	/**
	 * `['pending' => n, 'failed' => n, 'delivered' => n]`.
	 */
	public static function counts(): array {
		global $wpdb;
		$table  = WPUM_N8N_Schema::outbox_table();
		$counts = array_fill_keys( self::STATUSES, 0 );
		$rows   = $wpdb->get_results( "SELECT status, COUNT(*) AS n FROM {$table} GROUP BY status", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		foreach ( $rows ? $rows : array() as $row ) {
			if ( isset( $counts[ $row['status'] ] ) ) {
				$counts[ $row['status'] ] = (int) $row['n'];
			}
		}
		return $counts;
	}

	/**
	 * Removes delivered rows older than the retention window (default 30 days).
	 */
	public static function prune(): void {
		global $wpdb;
		$days   = (int) apply_filters( 'wpum_n8n_delivered_retention_days', 30 );
		$cutoff = WPUM_N8N_Clock::to_mysql( WPUM_N8N_Clock::now() - $days * DAY_IN_SECONDS );
		$table  = WPUM_N8N_Schema::outbox_table();
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE status = 'delivered' AND delivered_at < %s", $cutoff ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	public static function to_public( array $row ): array {
		return array(
			'id'               => (int) $row['id'],
			'event_id'         => (string) $row['event_id'],
			'event'            => (string) $row['event'],
			'webhook_id'       => (int) $row['webhook_id'],
			'user_id'          => (int) $row['user_id'],
			'status'           => (string) $row['status'],
			'attempts'         => (int) $row['attempts'],
			'last_http_status' => null === $row['last_http_status'] ? null : (int) $row['last_http_status'],
			'last_error'       => null === $row['last_error'] || '' === $row['last_error'] ? null : (string) $row['last_error'],
			'next_attempt_at'  => 'pending' === $row['status'] ? WPUM_N8N_Clock::mysql_to_iso( $row['next_attempt_at'] ) : null,
			'created_at'       => WPUM_N8N_Clock::mysql_to_iso( $row['created_at'] ),
			'delivered_at'     => WPUM_N8N_Clock::mysql_to_iso( $row['delivered_at'] ),
		);
	}
}
