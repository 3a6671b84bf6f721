<?php
/**
 * The list of user fields the plugin sends: WPUM's fields, or core WordPress fields without WPUM.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the field catalog once per request.
 */
class WPUM_N8N_Field_Catalog {

	/** Value type of each WPUM primary field type. */
	const PRIMARY_VALUE_TYPES = array(
		'username'         => 'text',
		'user_email'       => 'email',
		'user_firstname'   => 'text',
		'user_lastname'    => 'text',
		'user_nickname'    => 'text',
		'user_displayname' => 'text',
		'user_website'     => 'url',
		'user_description' => 'textarea',
		'user_avatar'      => 'file',
		'user_cover'       => 'file',
	);

	/** Field types that never leave the site. */
	const SECRET_TYPES = array( 'user_password', 'password' );

	const MULTIPLE_TYPES = array( 'multiselect', 'multicheckbox' );

	private static ?array $cache = null;

	public static function flush_cache(): void {
		self::$cache = null;
	}

	/**
	 * `['source' => 'wpum'|'core', 'groups' => [...], 'fields' => [...]]`; each field has key, label, type,
	 * group_id, group, options, multiple, required.
	 */
	public static function get(): array {
		if ( null === self::$cache ) {
			$catalog     = WPUM_N8N_Wpum::is_active() ? self::from_wpum() : null;
			self::$cache = ( $catalog && $catalog['fields'] ) ? $catalog : self::core();
			self::$cache = apply_filters( 'wpum_n8n_field_catalog', self::$cache );
		}
		return self::$cache;
	}

	/**
	 * Field descriptors keyed by storage key.
	 */
	public static function fields_by_key(): array {
		$by_key = array();
		foreach ( self::get()['fields'] as $field ) {
			$by_key[ $field['key'] ] = $field;
		}
		return $by_key;
	}

	/**
	 * Meta keys and user columns that are catalog fields (used to spot profile changes).
	 */
	public static function keys(): array {
		return array_keys( self::fields_by_key() );
	}

	private static function from_wpum(): array {
		$groups       = WPUM_N8N_Wpum::field_groups();
		$group_names  = array_column( $groups, 'name', 'id' );
		$with_custom  = WPUM_N8N_Wpum::custom_fields_active();
		$fields       = array();
		$seen         = array();
		$used_groups  = array();

		foreach ( WPUM_N8N_Wpum::field_definitions() as $definition ) {
			$type = $definition['type'];
			if ( in_array( $type, self::SECRET_TYPES, true ) ) {
				continue;
			}
			$meta       = $definition['meta'];
			$is_primary = isset( WPUM_N8N_Wpum::PRIMARY_STORAGE[ $type ] );
			if ( $is_primary ) {
				$key        = WPUM_N8N_Wpum::PRIMARY_STORAGE[ $type ];
				$value_type = self::PRIMARY_VALUE_TYPES[ $type ];
			} else {
				if ( ! $with_custom ) {
					continue;
				}
				$key        = isset( $meta['user_meta_key'] ) ? (string) $meta['user_meta_key'] : '';
				$value_type = $type;
			}
			if ( '' === $key || isset( $seen[ $key ] ) || ! self::is_sendable_key( $key ) ) {
				continue;
			}
			$seen[ $key ] = true;

			$multiple = in_array( $value_type, self::MULTIPLE_TYPES, true ) || ! empty( $meta['multiple'] );
			$fields[] = array(
				'key'      => $key,
				'label'    => $definition['name'],
				'type'     => $value_type,
				'group_id' => $definition['group_id'],
				'group'    => $group_names[ $definition['group_id'] ] ?? '',
				'options'  => self::options( $value_type, $meta ),
				'multiple' => $multiple,
				'required' => ! empty( $meta['required'] ) || in_array( $type, array( 'username', 'user_email' ), true ),
			);
			$used_groups[ $definition['group_id'] ] = true;
		}

		return array(
			'source' => 'wpum',
			'groups' => array_values( array_filter( $groups, static fn( $g ) => isset( $used_groups[ $g['id'] ] ) ) ),
			'fields' => $fields,
		);
	}

	private static function core(): array {
		$group   = __( 'WordPress user fields', 'wpum-n8n-connector' );
		$defs    = array(
			array( 'user_login', __( 'Username', 'wpum-n8n-connector' ), 'text', true ),
			array( 'user_email', __( 'Email', 'wpum-n8n-connector' ), 'email', true ),
			array( 'first_name', __( 'First name', 'wpum-n8n-connector' ), 'text', false ),
			array( 'last_name', __( 'Last name', 'wpum-n8n-connector' ), 'text', false ),
			array( 'nickname', __( 'Nickname', 'wpum-n8n-connector' ), 'text', false ),
			array( 'display_name', __( 'Display name', 'wpum-n8n-connector' ), 'text', false ),
			array( 'user_url', __( 'Website', 'wpum-n8n-connector' ), 'url', false ),
			array( 'description', __( 'Biographical info', 'wpum-n8n-connector' ), 'textarea', false ),
		);
		$fields = array();
		foreach ( $defs as $def ) {
			$fields[] = array(
				'key'      => $def[0],
				'label'    => $def[1],
				'type'     => $def[2],
				'group_id' => 1,
				'group'    => $group,
				'options'  => array(),
				'multiple' => false,
				'required' => $def[3],
			);
		}
		return array(
			'source' => 'core',
			'groups' => array(
				array(
					'id'         => 1,
					'name'       => $group,
					'is_primary' => true,
				),
			),
			'fields' => $fields,
		);
	}

	/**
	 * Choice options as `[{value, label}]`: WPUM's `dropdown_options`, or the site's roles for role fields.
	 */
	private static function options( string $type, array $meta ): array {
		if ( 'userrole' === $type ) {
			$options = array();
			foreach ( wp_roles()->get_names() as $slug => $name ) {
				$options[] = array(
					'value' => (string) $slug,
					'label' => translate_user_role( $name ),
				);
			}
			return $options;
		}
		$raw = $meta['dropdown_options'] ?? array();
		if ( is_string( $raw ) ) {
			$decoded = json_decode( $raw, true );
			$raw     = is_array( $decoded ) ? $decoded : array();
		}
		$options = array();
		foreach ( is_array( $raw ) ? $raw : array() as $option ) {
			if ( is_array( $option ) && isset( $option['value'] ) ) {
				$options[] = array(
					'value' => (string) $option['value'],
					'label' => isset( $option['label'] ) ? (string) $option['label'] : (string) $option['value'],
				);
			}
		}
		return $options;
	}

	/**
	 * Keys that may be sent: never passwords, server paths, tokens or activation keys.
	 */
	public static function is_sendable_key( string $key ): bool {
		return ! preg_match( '/(_path$|^user_pass$|^session_tokens$|activation_key|^wp_capabilities$|password|^_)/i', $key );
	}
}
