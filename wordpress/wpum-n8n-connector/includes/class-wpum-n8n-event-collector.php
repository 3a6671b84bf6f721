<?php
/**
 * Turns WordPress/WPUM hooks into contract events: collected during the request, written to the outbox
 * once at its end, with each user's final state.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Listens to core, WPUM and User Verification hooks. One event per user and type per request.
 */
class WPUM_N8N_Event_Collector {

	/** @var array<string, array> Pending events keyed by "type|user_id", in the order they first happened. */
	private static array $entries = array();

	/** @var array<int, true> Users created in this request: they get `user.registered` only. */
	private static array $created = array();

	/** @var array<int, array> Field values before the first change of this request. */
	private static array $before = array();

	/** @var array<int, true> Users whose core columns in $before came from profile_update's old data. */
	private static array $core_before = array();

	/** @var array<int, string[]> Roles before the first role change of this request. */
	private static array $old_roles = array();

	private static bool $flushing = false;

	public static function register(): void {
		add_action( 'user_register', array( __CLASS__, 'on_user_register' ), 10, 1 );
		add_action( 'wpum_after_registration', array( __CLASS__, 'on_wpum_registration' ), 99, 3 );

		add_action( 'wpum_before_user_update', array( __CLASS__, 'on_wpum_before_update' ), 1, 3 );
		add_action( 'profile_update', array( __CLASS__, 'on_profile_update' ), 10, 2 );
		// The Custom Fields addon saves its fields on wpum_after_user_update at priority 20.
		add_action( 'wpum_after_user_update', array( __CLASS__, 'on_wpum_update' ), 99, 3 );
		add_action( 'wpum_after_custom_user_update', array( __CLASS__, 'on_wpum_update' ), 99, 3 );
		add_action( 'wpum_user_update_change_avatar', array( __CLASS__, 'on_user_id_first' ), 99, 1 );
		add_action( 'wpum_user_update_remove_avatar', array( __CLASS__, 'on_user_id_first' ), 99, 1 );
		add_action( 'wpum_user_update_change_cover', array( __CLASS__, 'on_user_id_first' ), 99, 1 );
		add_action( 'wpum_user_update_remove_cover', array( __CLASS__, 'on_user_id_first' ), 99, 1 );

		// Fired BEFORE a meta value changes: the moment to remember the old profile.
		add_action( 'add_user_meta', array( __CLASS__, 'on_before_add_meta' ), 1, 2 );
		add_action( 'update_user_meta', array( __CLASS__, 'on_before_change_meta' ), 1, 3 );
		add_action( 'delete_user_meta', array( __CLASS__, 'on_before_change_meta' ), 1, 3 );

		add_action( 'set_user_role', array( __CLASS__, 'on_set_role' ), 10, 3 );
		add_action( 'add_user_role', array( __CLASS__, 'on_add_role' ), 10, 1 );
		add_action( 'remove_user_role', array( __CLASS__, 'on_remove_role' ), 10, 1 );

		add_action( 'wpumuv_after_user_approval', array( __CLASS__, 'on_approval' ), 10, 1 );
		add_action( 'wpumuv_after_user_verification', array( __CLASS__, 'on_verification' ), 10, 1 );
		add_action( 'wpumuv_before_user_rejection', array( __CLASS__, 'on_rejection' ), 10, 1 );
		add_action( 'delete_user', array( __CLASS__, 'on_delete' ), 10, 1 );

		add_action( 'shutdown', array( __CLASS__, 'flush' ), 1 );
	}

	public static function on_user_register( $user_id ): void {
		$user_id                   = (int) $user_id;
		self::$created[ $user_id ] = true;
		self::add( 'user.registered', $user_id );
	}

	/**
	 * @param int    $user_id New user.
	 * @param array  $values  Submitted values (contain the plain password: never read).
	 * @param object $form    WPUM_Registration_Form.
	 */
	public static function on_wpum_registration( $user_id, $values = array(), $form = null ): void {
		$user_id = (int) $user_id;
		if ( is_object( $form ) && method_exists( $form, 'get_ID' ) ) {
			update_user_meta(
				$user_id,
				WPUM_N8N_User_Serializer::FORM_META,
				array(
					'id'   => (int) $form->get_ID(),
					'name' => method_exists( $form, 'get_name' ) ? (string) $form->get_name() : '',
				)
			);
		}
		self::$created[ $user_id ] = true;
		self::add( 'user.registered', $user_id );
	}

	public static function on_wpum_before_update( $form = null, $values = array(), $user_id = 0 ): void {
		self::remember_before( (int) $user_id );
	}

	public static function on_profile_update( $user_id, $old_user_data = null ): void {
		$user_id = (int) $user_id;
		if ( isset( self::$created[ $user_id ] ) ) {
			return;
		}
		self::remember_before( $user_id );
		if ( $old_user_data instanceof WP_User && ! isset( self::$core_before[ $user_id ] ) ) {
			// Core has already written the users table when profile_update fires; its old row is here.
			foreach ( WPUM_N8N_Wpum::USER_COLUMNS as $column ) {
				if ( array_key_exists( $column, self::$before[ $user_id ] ) ) {
					$old                                = $old_user_data->data->$column ?? null;
					self::$before[ $user_id ][ $column ] = ( null === $old || '' === $old ) ? null : (string) $old;
				}
			}
			self::$before[ $user_id ]['__email'] = (string) $old_user_data->user_email;
			self::$core_before[ $user_id ]       = true;
		}
		self::add( 'user.updated', $user_id );
	}

	public static function on_wpum_update( $form = null, $values = array(), $user_id = 0 ): void {
		$user_id = (int) $user_id;
		if ( $user_id && ! isset( self::$created[ $user_id ] ) ) {
			self::add( 'user.updated', $user_id );
		}
	}

	public static function on_user_id_first( $user_id ): void {
		self::on_wpum_update( null, array(), $user_id );
	}

	public static function on_before_add_meta( $user_id, $meta_key ): void {
		self::on_before_change_meta( 0, $user_id, $meta_key );
	}

	public static function on_before_change_meta( $meta_id, $user_id, $meta_key ): void {
		if ( self::$flushing || ! is_string( $meta_key ) || str_starts_with( $meta_key, '_wpum_n8n_' ) ) {
			return;
		}
		$user_id = (int) $user_id;
		if ( ! $user_id || isset( self::$created[ $user_id ] ) ) {
			return;
		}
		global $wpdb;
		if ( $wpdb->get_blog_prefix() . 'capabilities' === $meta_key ) {
			// Roles are about to change: the stored capabilities still hold the old roles.
			if ( ! isset( self::$old_roles[ $user_id ] ) ) {
				self::$old_roles[ $user_id ] = self::stored_roles( $user_id, $meta_key );
			}
			return;
		}
		if ( ! isset( self::$before[ $user_id ] ) && in_array( $meta_key, WPUM_N8N_Field_Catalog::keys(), true ) ) {
			self::remember_before( $user_id );
		}
	}

	private static function stored_roles( int $user_id, string $capabilities_key ): array {
		$caps = get_user_meta( $user_id, $capabilities_key, true );
		if ( ! is_array( $caps ) ) {
			return array();
		}
		$roles = wp_roles()->roles;
		return array_values( array_map( 'strval', array_keys( array_filter( $caps, static fn( $granted, $name ) => $granted && isset( $roles[ $name ] ), ARRAY_FILTER_USE_BOTH ) ) ) );
	}

	public static function on_set_role( $user_id, $role, $old_roles = array() ): void {
		self::role_change( (int) $user_id, is_array( $old_roles ) ? $old_roles : array() );
	}

	/**
	 * The old roles were captured when the capabilities meta was about to change; these hooks only
	 * say that a change happened.
	 */
	public static function on_add_role( $user_id ): void {
		self::role_change( (int) $user_id, array() );
	}

	public static function on_remove_role( $user_id ): void {
		self::role_change( (int) $user_id, array() );
	}

	public static function on_approval( $user_id ): void {
		self::add( 'user.activated', (int) $user_id, array( 'activation' => array( 'method' => 'approval' ) ) );
	}

	public static function on_verification( $user_id ): void {
		self::add( 'user.activated', (int) $user_id, array( 'activation' => array( 'method' => 'email_verification' ) ) );
	}

	/**
	 * The addon deletes the user right after this hook: capture the profile now.
	 */
	public static function on_rejection( $user_id ): void {
		$user = WPUM_N8N_User_Serializer::serialize( (int) $user_id );
		if ( $user ) {
			self::add( 'user.rejected', (int) $user_id, array( '__user' => $user ) );
		}
	}

	public static function on_delete( $user_id ): void {
		$user_id = (int) $user_id;
		$user    = WPUM_N8N_User_Serializer::serialize( $user_id );
		if ( ! $user ) {
			return;
		}
		unset( self::$entries[ 'user.updated|' . $user_id ], self::$entries[ 'user.role_changed|' . $user_id ], self::$entries[ 'user.activated|' . $user_id ] );
		self::add( 'user.deleted', $user_id, array( '__user' => $user ) );
	}

	private static function role_change( int $user_id, array $old_roles ): void {
		if ( ! $user_id || isset( self::$created[ $user_id ] ) ) {
			return;
		}
		if ( ! isset( self::$old_roles[ $user_id ] ) ) {
			self::$old_roles[ $user_id ] = array_values( array_map( 'strval', $old_roles ) );
		}
		self::add( 'user.role_changed', $user_id );
	}

	private static function remember_before( int $user_id ): void {
		if ( $user_id && ! isset( self::$before[ $user_id ] ) && ! isset( self::$created[ $user_id ] ) ) {
			self::$before[ $user_id ] = WPUM_N8N_User_Serializer::field_values( $user_id );
		}
	}

	private static function add( string $event, int $user_id, array $extra = array() ): void {
		if ( ! $user_id || self::$flushing ) {
			return;
		}
		$key = $event . '|' . $user_id;
		if ( isset( self::$entries[ $key ] ) ) {
			self::$entries[ $key ] = array_merge( self::$entries[ $key ], $extra );
			return;
		}
		self::$entries[ $key ] = array_merge(
			array(
				'event'   => $event,
				'user_id' => $user_id,
				'time'    => time(),
			),
			$extra
		);
	}

	/**
	 * Builds every collected event from the users' final state and writes them in one insert.
	 */
	public static function flush(): void {
		if ( ! self::$entries ) {
			return;
		}
		self::$flushing = true;
		$entries        = self::$entries;
		$bodies         = array();
		foreach ( $entries as $entry ) {
			$body = self::build( $entry );
			if ( $body ) {
				$bodies[] = $body;
			}
		}
		self::$entries     = array();
		self::$created     = array();
		self::$before      = array();
		self::$core_before = array();
		self::$old_roles   = array();

		$rows = array();
		foreach ( $bodies as $body ) {
			$hooks = WPUM_N8N_Webhooks::subscribed_to( $body['event'] );
			if ( $hooks ) {
				$rows[] = self::outbox_row( $body, array_column( $hooks, 'id' ) );
			}
		}
		if ( $rows && WPUM_N8N_Outbox::enqueue( $rows ) ) {
			WPUM_N8N_Dispatcher::notify_new_rows();
		}
		self::$flushing = false;
	}

	private static function build( array $entry ): ?array {
		$user_id = $entry['user_id'];
		$event   = $entry['event'];
		$extra   = array();

		switch ( $event ) {
			case 'user.registered':
				if ( ! get_userdata( $user_id ) ) {
					return null;
				}
				self::touch( $user_id );
				$extra['form'] = WPUM_N8N_User_Serializer::registration_form( $user_id );
				break;

			case 'user.updated':
				if ( isset( self::$created[ $user_id ] ) || ! get_userdata( $user_id ) ) {
					return null;
				}
				$after   = WPUM_N8N_User_Serializer::field_values( $user_id );
				$before  = self::$before[ $user_id ] ?? $after;
				$changed = array();
				foreach ( $after as $key => $value ) {
					if ( wp_json_encode( $value ) !== wp_json_encode( $before[ $key ] ?? null ) ) {
						$changed[] = $key;
					}
				}
				if ( ! $changed ) {
					return null;
				}
				self::touch( $user_id );
				$extra['changes'] = array( 'fields' => $changed );
				$old_email        = $before['__email'] ?? ( is_string( $before['user_email'] ?? null ) ? $before['user_email'] : null );
				$user             = get_userdata( $user_id );
				if ( is_string( $old_email ) && '' !== $old_email && strtolower( $old_email ) !== strtolower( (string) $user->user_email ) ) {
					$extra['changes']['previous_email'] = $old_email;
				}
				break;

			case 'user.role_changed':
				$user = get_userdata( $user_id );
				if ( isset( self::$created[ $user_id ] ) || ! $user ) {
					return null;
				}
				$old = self::$old_roles[ $user_id ] ?? array();
				$new = array_values( array_map( 'strval', (array) $user->roles ) );
				if ( self::same_set( $old, $new ) ) {
					return null;
				}
				self::touch( $user_id );
				$extra['role_change'] = array(
					'old' => $old,
					'new' => $new,
				);
				break;

			case 'user.activated':
				if ( ! get_userdata( $user_id ) ) {
					return null;
				}
				self::touch( $user_id );
				$extra['activation'] = $entry['activation'];
				break;
		}

		$user = $entry['__user'] ?? WPUM_N8N_User_Serializer::serialize( $user_id );
		if ( ! $user ) {
			return null;
		}
		if ( 'user.activated' === $event ) {
			$user['status'] = 'active';
		}
		return self::envelope( $event, $user, $entry['time'], $extra );
	}

	/**
	 * The event body of the contract.
	 */
	public static function envelope( string $event, array $user, int $time, array $extra = array() ): array {
		return array_merge(
			array(
				'event_id'    => wp_generate_uuid4(),
				'event'       => $event,
				'occurred_at' => WPUM_N8N_Clock::iso( $time ),
				'site_url'    => home_url(),
				'user'        => $user,
			),
			$extra
		);
	}

	/**
	 * @param array $body        Event body.
	 * @param int[] $webhook_ids Subscriptions to deliver to.
	 */
	public static function outbox_row( array $body, array $webhook_ids ): array {
		return array(
			'event_id'    => $body['event_id'],
			'event'       => $body['event'],
			'user_id'     => (int) $body['user']['id'],
			'body'        => wp_json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ),
			'webhook_ids' => $webhook_ids,
		);
	}

	/**
	 * Queues a `ping` for one subscription with the given user's profile.
	 *
	 * @return array{delivery_id: int, event_id: string}|null
	 */
	public static function enqueue_ping( int $webhook_id, int $user_id ): ?array {
		global $wpdb;
		$user = WPUM_N8N_User_Serializer::serialize( $user_id );
		if ( ! $user ) {
			return null;
		}
		$body = self::envelope( 'ping', $user, time() );
		WPUM_N8N_Outbox::enqueue( array( self::outbox_row( $body, array( $webhook_id ) ) ) );
		WPUM_N8N_Dispatcher::notify_new_rows();
		$table = WPUM_N8N_Schema::outbox_table();
		$id    = (int) $wpdb->get_var( $wpdb->prepare( "SELECT id FROM {$table} WHERE event_id = %s ORDER BY id DESC LIMIT 1", $body['event_id'] ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array(
			'delivery_id' => $id,
			'event_id'    => $body['event_id'],
		);
	}

	private static function touch( int $user_id ): void {
		update_user_meta( $user_id, WPUM_N8N_User_Serializer::UPDATED_AT_META, time() );
	}

	private static function same_set( array $a, array $b ): bool {
		sort( $a );
		sort( $b );
		return $a === $b;
	}
}
