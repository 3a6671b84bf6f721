<?php
/**
 * Users → n8n Connector: status, subscriptions, the outbox, retry and test buttons.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * The admin screen and its form actions (admin-post.php, nonces, manage_options).
 */
class WPUM_N8N_Admin_Page {

	const SLUG     = 'wpum-n8n-connector';
	const PER_PAGE = 20;
	const ACTIONS  = array( 'add_webhook', 'delete_webhook', 'test_webhook', 'retry_delivery' );

	public static function register(): void {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		foreach ( self::ACTIONS as $action ) {
			add_action( 'admin_post_wpum_n8n_' . $action, array( __CLASS__, 'handle_' . $action ) );
		}
	}

	public static function add_menu(): void {
		add_users_page(
			__( 'n8n Connector', 'wpum-n8n-connector' ),
			__( 'n8n Connector', 'wpum-n8n-connector' ),
			'manage_options',
			self::SLUG,
			array( __CLASS__, 'render' )
		);
	}

	public static function page_url( array $args = array() ): string {
		return add_query_arg( array_merge( array( 'page' => self::SLUG ), $args ), admin_url( 'users.php' ) );
	}

	private static function notices(): array {
		return array(
			'webhook_added'             => array( 'success', __( 'Subscription added. Put the same secret in the receiving n8n workflow.', 'wpum-n8n-connector' ) ),
			'webhook_deleted'           => array( 'success', __( 'Subscription deleted.', 'wpum-n8n-connector' ) ),
			'test_queued'               => array( 'success', __( 'Test event queued: it is sent right after this page loads. Its row is in the outbox below.', 'wpum-n8n-connector' ) ),
			'retry_queued'              => array( 'success', __( 'Delivery queued for another attempt.', 'wpum-n8n-connector' ) ),
			'wpum_n8n_invalid_url'      => array( 'error', __( 'The webhook URL must be a full http:// or https:// address.', 'wpum-n8n-connector' ) ),
			'wpum_n8n_invalid_events'   => array( 'error', __( 'Choose at least one event.', 'wpum-n8n-connector' ) ),
			'wpum_n8n_invalid_secret'   => array( 'error', __( 'The secret must be at least 32 characters long.', 'wpum-n8n-connector' ) ),
			'wpum_n8n_already_delivered' => array( 'error', __( 'That delivery was already delivered.', 'wpum-n8n-connector' ) ),
			'not_found'                 => array( 'error', __( 'That item no longer exists.', 'wpum-n8n-connector' ) ),
		);
	}

	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage the n8n Connector.', 'wpum-n8n-connector' ), 403 );
		}
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- read-only view parameters.
		$notice = isset( $_GET['wpum_n8n_notice'] ) ? sanitize_key( wp_unslash( $_GET['wpum_n8n_notice'] ) ) : '';
		$status = isset( $_GET['status'] ) ? sanitize_key( wp_unslash( $_GET['status'] ) ) : '';
		$paged  = isset( $_GET['paged'] ) ? max( 1, absint( $_GET['paged'] ) ) : 1;
		// phpcs:enable
		$status = in_array( $status, WPUM_N8N_Outbox::STATUSES, true ) ? $status : '';

		echo '<div class="wrap"><h1>' . esc_html__( 'WPUM n8n Connector', 'wpum-n8n-connector' ) . '</h1>';
		$notices = self::notices();
		if ( isset( $notices[ $notice ] ) ) {
			printf( '<div class="notice notice-%1$s"><p>%2$s</p></div>', esc_attr( $notices[ $notice ][0] ), esc_html( $notices[ $notice ][1] ) );
		}
		self::render_status();
		self::render_webhooks();
		self::render_outbox( $status, $paged );
		echo '</div>';
	}

	private static function yes_no( bool $value ): string {
		return $value ? __( 'active', 'wpum-n8n-connector' ) : __( 'not active', 'wpum-n8n-connector' );
	}

	private static function render_status(): void {
		$counts = WPUM_N8N_Outbox::counts();
		echo '<h2>' . esc_html__( 'Status', 'wpum-n8n-connector' ) . '</h2><table class="widefat striped" style="max-width:40em"><tbody>';
		$rows = array(
			__( 'Plugin version', 'wpum-n8n-connector' )      => WPUM_N8N_VERSION,
			__( 'WP User Manager', 'wpum-n8n-connector' )     => self::yes_no( WPUM_N8N_Wpum::is_active() ) . ( WPUM_N8N_Wpum::version() ? ' (' . WPUM_N8N_Wpum::version() . ')' : '' ),
			__( 'Custom Fields addon', 'wpum-n8n-connector' ) => self::yes_no( WPUM_N8N_Wpum::custom_fields_active() ),
			__( 'User Verification addon', 'wpum-n8n-connector' ) => self::yes_no( WPUM_N8N_Wpum::user_verification_active() ),
			/* translators: 1: pending, 2: delivered, 3: failed counts */
			__( 'Outbox', 'wpum-n8n-connector' )              => sprintf( __( '%1$d pending, %2$d delivered, %3$d failed', 'wpum-n8n-connector' ), $counts['pending'], $counts['delivered'], $counts['failed'] ),
		);
		foreach ( $rows as $label => $value ) {
			printf( '<tr><th scope="row">%1$s</th><td>%2$s</td></tr>', esc_html( $label ), esc_html( $value ) );
		}
		echo '</tbody></table>';
	}

	private static function action_button( string $action, int $id, string $label, string $class = 'button' ): string {
		return sprintf(
			'<form method="post" action="%1$s" style="display:inline"><input type="hidden" name="action" value="wpum_n8n_%2$s"><input type="hidden" name="id" value="%3$d">%4$s<button type="submit" class="%5$s">%6$s</button></form> ',
			esc_url( admin_url( 'admin-post.php' ) ),
			esc_attr( $action ),
			$id,
			wp_nonce_field( 'wpum_n8n_' . $action . '_' . $id, '_wpnonce', true, false ),
			esc_attr( $class ),
			esc_html( $label )
		);
	}

	private static function render_webhooks(): void {
		echo '<h2>' . esc_html__( 'Subscriptions', 'wpum-n8n-connector' ) . '</h2>';
		echo '<p>' . esc_html__( 'Each subscription receives the chosen events as signed JSON POSTs. The n8n WP User Manager Trigger adds and removes its own subscription when its workflow is activated or deactivated.', 'wpum-n8n-connector' ) . '</p>';
		echo '<table class="widefat striped"><thead><tr><th>' . esc_html__( 'Name', 'wpum-n8n-connector' ) . '</th><th>' . esc_html__( 'URL', 'wpum-n8n-connector' ) . '</th><th>' . esc_html__( 'Events', 'wpum-n8n-connector' ) . '</th><th>' . esc_html__( 'Created', 'wpum-n8n-connector' ) . '</th><th>' . esc_html__( 'Actions', 'wpum-n8n-connector' ) . '</th></tr></thead><tbody>';
		$hooks = WPUM_N8N_Webhooks::all();
		if ( ! $hooks ) {
			echo '<tr><td colspan="5">' . esc_html__( 'No subscriptions yet.', 'wpum-n8n-connector' ) . '</td></tr>';
		}
		foreach ( $hooks as $hook ) {
			printf(
				'<tr><td>%1$s</td><td><code>%2$s</code></td><td>%3$s</td><td>%4$s</td><td>%5$s%6$s</td></tr>',
				esc_html( '' !== $hook['name'] ? $hook['name'] : '#' . $hook['id'] ),
				esc_html( $hook['url'] ),
				esc_html( implode( ', ', $hook['events'] ) ),
				esc_html( (string) $hook['created_at'] ),
				self::action_button( 'test_webhook', $hook['id'], __( 'Send test event', 'wpum-n8n-connector' ) ), // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
				self::action_button( 'delete_webhook', $hook['id'], __( 'Delete', 'wpum-n8n-connector' ), 'button button-link-delete' ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			);
		}
		echo '</tbody></table>';

		echo '<h3>' . esc_html__( 'Add a subscription', 'wpum-n8n-connector' ) . '</h3>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '"><input type="hidden" name="action" value="wpum_n8n_add_webhook">';
		wp_nonce_field( 'wpum_n8n_add_webhook_0' );
		echo '<table class="form-table"><tbody>';
		echo '<tr><th scope="row"><label for="wpum-n8n-name">' . esc_html__( 'Name', 'wpum-n8n-connector' ) . '</label></th><td><input id="wpum-n8n-name" name="name" class="regular-text"></td></tr>';
		echo '<tr><th scope="row"><label for="wpum-n8n-url">' . esc_html__( 'Webhook URL', 'wpum-n8n-connector' ) . '</label></th><td><input id="wpum-n8n-url" name="url" type="url" class="large-text" required placeholder="https://n8n.example.com/webhook/…"></td></tr>';
		echo '<tr><th scope="row">' . esc_html__( 'Events', 'wpum-n8n-connector' ) . '</th><td><label><input type="checkbox" name="events[]" value="*" checked> ' . esc_html__( 'All events', 'wpum-n8n-connector' ) . '</label><br>';
		foreach ( WPUM_N8N_Webhooks::EVENTS as $event ) {
			echo '<label><input type="checkbox" name="events[]" value="' . esc_attr( $event ) . '"> <code>' . esc_html( $event ) . '</code></label><br>';
		}
		echo '</td></tr>';
		echo '<tr><th scope="row"><label for="wpum-n8n-secret">' . esc_html__( 'Secret', 'wpum-n8n-connector' ) . '</label></th><td><input id="wpum-n8n-secret" name="secret" class="large-text code" value="' . esc_attr( wp_generate_password( 48, false ) ) . '"><p class="description">' . esc_html__( 'At least 32 characters. Copy it now: it signs every request and is never shown again.', 'wpum-n8n-connector' ) . '</p></td></tr>';
		echo '</tbody></table>';
		submit_button( __( 'Add subscription', 'wpum-n8n-connector' ) );
		echo '</form>';
	}

	private static function render_outbox( string $status, int $paged ): void {
		$counts = WPUM_N8N_Outbox::counts();
		list( $rows, $total ) = WPUM_N8N_Outbox::page( '' === $status ? null : $status, $paged, self::PER_PAGE );

		echo '<h2>' . esc_html__( 'Outbox', 'wpum-n8n-connector' ) . '</h2><ul class="subsubsub">';
		$filters = array(
			''          => sprintf( /* translators: %d: count */ __( 'All (%d)', 'wpum-n8n-connector' ), array_sum( $counts ) ),
			'pending'   => sprintf( /* translators: %d: count */ __( 'Pending (%d)', 'wpum-n8n-connector' ), $counts['pending'] ),
			'delivered' => sprintf( /* translators: %d: count */ __( 'Delivered (%d)', 'wpum-n8n-connector' ), $counts['delivered'] ),
			'failed'    => sprintf( /* translators: %d: count */ __( 'Failed (%d)', 'wpum-n8n-connector' ), $counts['failed'] ),
		);
		$links = array();
		foreach ( $filters as $key => $label ) {
			$links[] = sprintf( '<li><a href="%1$s"%2$s>%3$s</a></li>', esc_url( self::page_url( '' === $key ? array() : array( 'status' => $key ) ) ), $key === $status ? ' class="current"' : '', esc_html( $label ) );
		}
		echo implode( ' | ', $links ) . '</ul>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.

		echo '<table class="widefat striped"><thead><tr>';
		foreach ( array( 'ID', __( 'Event', 'wpum-n8n-connector' ), __( 'User', 'wpum-n8n-connector' ), __( 'Subscription', 'wpum-n8n-connector' ), __( 'Status', 'wpum-n8n-connector' ), __( 'Attempts', 'wpum-n8n-connector' ), __( 'Last error', 'wpum-n8n-connector' ), __( 'Next attempt', 'wpum-n8n-connector' ), __( 'Created', 'wpum-n8n-connector' ), __( 'Actions', 'wpum-n8n-connector' ) ) as $heading ) {
			echo '<th>' . esc_html( $heading ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		if ( ! $rows ) {
			echo '<tr><td colspan="10">' . esc_html__( 'Nothing here.', 'wpum-n8n-connector' ) . '</td></tr>';
		}
		foreach ( $rows as $row ) {
			$error = (string) ( $row['last_error'] ?? '' );
			printf(
				'<tr data-delivery-id="%1$d"><td>%1$d</td><td><code>%2$s</code><br><small>%3$s</small></td><td>%4$s</td><td>%5$d</td><td>%6$s</td><td>%7$d</td><td>%8$s</td><td>%9$s</td><td>%10$s</td><td>%11$s</td></tr>',
				(int) $row['id'],
				esc_html( $row['event'] ),
				esc_html( $row['event_id'] ),
				esc_html( (string) $row['user_id'] ),
				(int) $row['webhook_id'],
				esc_html( $row['status'] ),
				(int) $row['attempts'],
				esc_html( $error ),
				esc_html( (string) $row['next_attempt_at'] ),
				esc_html( (string) $row['created_at'] ),
				'delivered' === $row['status'] ? '' : self::action_button( 'retry_delivery', (int) $row['id'], __( 'Retry now', 'wpum-n8n-connector' ) ) // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			);
		}
		echo '</tbody></table>';

		$pages = (int) ceil( $total / self::PER_PAGE );
		if ( $pages > 1 ) {
			echo '<p>';
			if ( $paged > 1 ) {
				echo '<a class="button" href="' . esc_url( self::page_url( array_filter( array( 'status' => $status, 'paged' => $paged - 1 ) ) ) ) . '">&larr; ' . esc_html__( 'Newer', 'wpum-n8n-connector' ) . '</a> ';
			}
			/* translators: 1: page, 2: pages */
			echo esc_html( sprintf( __( 'Page %1$d of %2$d', 'wpum-n8n-connector' ), $paged, $pages ) );
			if ( $paged < $pages ) {
				echo ' <a class="button" href="' . esc_url( self::page_url( array_filter( array( 'status' => $status, 'paged' => $paged + 1 ) ) ) ) . '">' . esc_html__( 'Older', 'wpum-n8n-connector' ) . ' &rarr;</a>';
			}
			echo '</p>';
		}
	}

	/**
	 * Checks capability and nonce for a form action; returns the posted id.
	 */
	private static function verify( string $action ): int {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage the n8n Connector.', 'wpum-n8n-connector' ), 403 );
		}
		$id = isset( $_POST['id'] ) ? absint( $_POST['id'] ) : 0; // phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified on the next line.
		check_admin_referer( 'wpum_n8n_' . $action . '_' . $id );
		return $id;
	}

	private static function back( string $notice, array $args = array() ): void {
		wp_safe_redirect( self::page_url( array_merge( array( 'wpum_n8n_notice' => $notice ), $args ) ) );
		exit;
	}

	public static function handle_add_webhook(): void {
		self::verify( 'add_webhook' );
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- verified in verify().
		$url    = isset( $_POST['url'] ) ? esc_url_raw( wp_unslash( $_POST['url'] ) ) : '';
		$events = isset( $_POST['events'] ) && is_array( $_POST['events'] ) ? array_map( 'sanitize_text_field', wp_unslash( $_POST['events'] ) ) : array();
		$secret = isset( $_POST['secret'] ) ? trim( (string) wp_unslash( $_POST['secret'] ) ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a secret is stored verbatim.
		$name   = isset( $_POST['name'] ) ? sanitize_text_field( wp_unslash( $_POST['name'] ) ) : '';
		// phpcs:enable
		$created = WPUM_N8N_Webhooks::create( $url, $events, $secret, $name );
		self::back( is_wp_error( $created ) ? $created->get_error_code() : 'webhook_added' );
	}

	public static function handle_delete_webhook(): void {
		$id = self::verify( 'delete_webhook' );
		self::back( WPUM_N8N_Webhooks::delete( $id ) ? 'webhook_deleted' : 'not_found' );
	}

	public static function handle_test_webhook(): void {
		$id = self::verify( 'test_webhook' );
		if ( ! WPUM_N8N_Webhooks::get( $id ) ) {
			self::back( 'not_found' );
		}
		WPUM_N8N_Event_Collector::enqueue_ping( $id, get_current_user_id() );
		self::back( 'test_queued' );
	}

	public static function handle_retry_delivery(): void {
		$id     = self::verify( 'retry_delivery' );
		$result = WPUM_N8N_Outbox::retry( $id );
		if ( is_wp_error( $result ) ) {
			self::back( 'wpum_n8n_delivery_not_found' === $result->get_error_code() ? 'not_found' : $result->get_error_code() );
		}
		WPUM_N8N_Dispatcher::notify_new_rows();
		self::back( 'retry_queued' );
	}
}
