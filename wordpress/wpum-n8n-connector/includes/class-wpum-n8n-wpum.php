<?php
/**
 * What the plugin knows about WP User Manager and its addons on this site.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Detection of WPUM, its Custom Fields and User Verification addons, and reads of WPUM's own tables.
 */
class WPUM_N8N_Wpum {

	/**
	 * WPUM primary field types → where WordPress stores the value (user column or meta key).
	 * `user_password` is deliberately absent: it is never read or sent.
	 */
	const PRIMARY_STORAGE = array(
		'username'         => 'user_login',
		'user_email'       => 'user_email',
		'user_firstname'   => 'first_name',
		'user_lastname'    => 'last_name',
		'user_nickname'    => 'nickname',
		'user_displayname' => 'display_name',
		'user_website'     => 'user_url',
		'user_description' => 'description',
		'user_avatar'      => 'current_user_avatar',
		'user_cover'       => 'user_cover',
	);

	/** Values that live in wp_users columns rather than user meta. */
	const USER_COLUMNS = array( 'user_login', 'user_email', 'user_url', 'display_name' );

	public static function is_active(): bool {
		return (bool) apply_filters( 'wpum_n8n_wpum_active', defined( 'WPUM_VERSION' ) || class_exists( 'WP_User_Manager' ) );
	}

	public static function version(): ?string {
		if ( defined( 'WPUM_VERSION' ) ) {
			return (string) WPUM_VERSION;
		}
		$stored = get_option( 'wpum_version' );
		return self::is_active() && $stored ? (string) $stored : null;
	}

	public static function custom_fields_active(): bool {
		$active = self::is_active() && ( function_exists( 'wpumcf_field_is_custom_field' ) || class_exists( 'WPUM_Custom_Fields' ) || defined( 'WPUMCF_VERSION' ) );
		return (bool) apply_filters( 'wpum_n8n_custom_fields_active', $active );
	}

	public static function user_verification_active(): bool {
		$active = self::is_active() && ( defined( 'WPUMUV_VERSION' ) || class_exists( 'WPUM_User_Verification' ) );
		return (bool) apply_filters( 'wpum_n8n_user_verification_active', $active );
	}

	/**
	 * The addon's method: `approval` (manual approval) or `email_verification`, or null when unknown.
	 */
	public static function verification_method(): ?string {
		$raw = function_exists( 'wpum_get_option' ) ? wpum_get_option( 'user_verification_method' ) : null;
		if ( ! is_string( $raw ) || '' === $raw ) {
			return null;
		}
		$raw = strtolower( $raw );
		foreach ( array( 'manual', 'approv', 'admin' ) as $needle ) {
			if ( str_contains( $raw, $needle ) ) {
				return 'approval';
			}
		}
		return 'email_verification';
	}

	/**
	 * `active`, `pending_approval` or `pending_verification`, decided from the user's own flag while the
	 * User Verification addon is active.
	 */
	public static function user_status( int $user_id ): string {
		// A flag left behind by a deactivated addon gates nothing any more.
		if ( ! self::user_verification_active() ) {
			return 'active';
		}
		$pending = get_user_meta( $user_id, 'wpumuv_needs_verification', true );
		if ( empty( $pending ) ) {
			return 'active';
		}
		return 'approval' === self::verification_method() ? 'pending_approval' : 'pending_verification';
	}

	private static function table_exists( string $table ): bool {
		global $wpdb;
		return $table === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
	}

	/**
	 * Field groups: `[ ['id' => 1, 'name' => 'Primary fields', 'is_primary' => true], … ]`.
	 */
	public static function field_groups(): array {
		global $wpdb;
		$table = $wpdb->prefix . 'wpum_fieldsgroups';
		if ( ! self::is_active() || ! self::table_exists( $table ) ) {
			return array();
		}
		$rows = $wpdb->get_results( "SELECT id, name, is_primary FROM {$table} ORDER BY group_order ASC, id ASC", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_map(
			static fn( $row ) => array(
				'id'         => (int) $row['id'],
				'name'       => (string) $row['name'],
				'is_primary' => (bool) $row['is_primary'],
			),
			$rows ? $rows : array()
		);
	}

	/**
	 * Every WPUM field definition with its meta, in group then field order.
	 * Each: id, group_id, type, name, meta (meta_key → unserialized value).
	 */
	public static function field_definitions(): array {
		global $wpdb;
		$fields_table = $wpdb->prefix . 'wpum_fields';
		$meta_table   = $wpdb->prefix . 'wpum_fieldmeta';
		$groups_table = $wpdb->prefix . 'wpum_fieldsgroups';
		if ( ! self::is_active() || ! self::table_exists( $fields_table ) ) {
			return array();
		}
		$has_groups = self::table_exists( $groups_table );
		$sql        = $has_groups
			? "SELECT f.id, f.group_id, f.type, f.name FROM {$fields_table} f LEFT JOIN {$groups_table} g ON g.id = f.group_id ORDER BY g.group_order ASC, f.group_id ASC, f.field_order ASC, f.id ASC"
			: "SELECT id, group_id, type, name FROM {$fields_table} ORDER BY group_id ASC, field_order ASC, id ASC";
		$rows = $wpdb->get_results( $sql, ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		if ( ! $rows ) {
			return array();
		}

		$meta = array();
		if ( self::table_exists( $meta_table ) ) {
			$meta_rows = $wpdb->get_results( "SELECT wpum_field_id, meta_key, meta_value FROM {$meta_table}", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			foreach ( $meta_rows ? $meta_rows : array() as $row ) {
				$meta[ (int) $row['wpum_field_id'] ][ $row['meta_key'] ] = maybe_unserialize( $row['meta_value'] );
			}
		}

		return array_map(
			static fn( $row ) => array(
				'id'       => (int) $row['id'],
				'group_id' => (int) $row['group_id'],
				'type'     => (string) $row['type'],
				'name'     => (string) $row['name'],
				'meta'     => $meta[ (int) $row['id'] ] ?? array(),
			),
			$rows
		);
	}

	/**
	 * Registration forms: id, name, role, is_default.
	 */
	public static function registration_forms(): array {
		global $wpdb;
		$forms_table = $wpdb->prefix . 'wpum_registration_forms';
		$meta_table  = $wpdb->prefix . 'wpum_registration_formmeta';
		if ( ! self::is_active() || ! self::table_exists( $forms_table ) ) {
			return array();
		}
		$rows = $wpdb->get_results( "SELECT id, name FROM {$forms_table} ORDER BY id ASC", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$meta = array();
		if ( self::table_exists( $meta_table ) ) {
			$meta_rows = $wpdb->get_results( "SELECT wpum_registration_form_id, meta_key, meta_value FROM {$meta_table} WHERE meta_key IN ('role', 'default')", ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			foreach ( $meta_rows ? $meta_rows : array() as $row ) {
				$meta[ (int) $row['wpum_registration_form_id'] ][ $row['meta_key'] ] = maybe_unserialize( $row['meta_value'] );
			}
		}
		return array_map(
			static function ( $row ) use ( $meta ) {
				$id   = (int) $row['id'];
				$role = $meta[ $id ]['role'] ?? null;
				return array(
					'id'         => $id,
					'name'       => (string) $row['name'],
					'role'       => is_string( $role ) && '' !== $role ? $role : null,
					'is_default' => ! empty( $meta[ $id ]['default'] ),
				);
			},
			$rows ? $rows : array()
		);
	}
}
