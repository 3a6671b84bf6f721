<?php
/**
 * The user object of the contract (docs/contract.md): one shape for events and REST responses.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads a saved user and normalizes every catalog field by its type.
 */
class WPUM_N8N_User_Serializer {

	const FORM_META       = '_wpum_n8n_registration_form';
	const UPDATED_AT_META = '_wpum_n8n_updated_at';
	const CRM_META        = '_wpum_n8n_crm';

	/**
	 * The user object, or null when the user does not exist.
	 */
	public static function serialize( int $user_id ): ?array {
		clean_user_cache( $user_id );
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return null;
		}

		$fields = array();
		$labels = array();
		foreach ( WPUM_N8N_Field_Catalog::fields_by_key() as $key => $field ) {
			$raw            = self::raw_value( $user, $key );
			$fields[ $key ] = self::normalize( $raw, $field );
			$label          = self::labels_for( $fields[ $key ], $field );
			if ( null !== $label ) {
				$labels[ $key ] = $label;
			}
		}

		$updated_at = get_user_meta( $user_id, self::UPDATED_AT_META, true );

		return array(
			'id'                => (int) $user->ID,
			'login'             => (string) $user->user_login,
			'email'             => (string) $user->user_email,
			'display_name'      => (string) $user->display_name,
			'first_name'        => (string) $user->first_name,
			'last_name'         => (string) $user->last_name,
			'registered_at'     => WPUM_N8N_Clock::mysql_to_iso( $user->user_registered ) ?? WPUM_N8N_Clock::iso( 0 ),
			'updated_at'        => is_numeric( $updated_at ) ? WPUM_N8N_Clock::iso( (int) $updated_at ) : null,
			'roles'             => array_values( array_map( 'strval', (array) $user->roles ) ),
			'status'            => WPUM_N8N_Wpum::user_status( $user_id ),
			'registration_form' => self::registration_form( $user_id ),
			'fields'            => (object) $fields,
			'field_labels'      => (object) $labels,
			'crm'               => (object) self::crm_links( $user_id ),
		);
	}

	/**
	 * Just the normalized fields, for spotting what changed between two moments of one request.
	 */
	public static function field_values( int $user_id ): array {
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return array();
		}
		$values = array();
		foreach ( WPUM_N8N_Field_Catalog::fields_by_key() as $key => $field ) {
			$values[ $key ] = self::normalize( self::raw_value( $user, $key ), $field );
		}
		return $values;
	}

	public static function registration_form( int $user_id ): ?array {
		$form = get_user_meta( $user_id, self::FORM_META, true );
		if ( ! is_array( $form ) || ! isset( $form['id'] ) ) {
			return null;
		}
		return array(
			'id'   => (int) $form['id'],
			'name' => (string) ( $form['name'] ?? '' ),
		);
	}

	public static function crm_links( int $user_id ): array {
		$links = get_user_meta( $user_id, self::CRM_META, true );
		if ( ! is_array( $links ) ) {
			return array();
		}
		$out = array();
		foreach ( $links as $crm => $link ) {
			if ( ! is_array( $link ) || empty( $link['contact_id'] ) ) {
				continue;
			}
			$entry = array( 'contact_id' => (string) $link['contact_id'] );
			if ( isset( $link['tags'] ) && is_array( $link['tags'] ) ) {
				$entry['tags'] = array_values( array_map( 'strval', $link['tags'] ) );
			}
			if ( ! empty( $link['linked_at'] ) ) {
				$entry['linked_at'] = WPUM_N8N_Clock::iso( (int) $link['linked_at'] );
			}
			$out[ (string) $crm ] = $entry;
		}
		return $out;
	}

	/**
	 * @return mixed The stored value, or null when the meta was never saved.
	 */
	private static function raw_value( WP_User $user, string $key ) {
		if ( in_array( $key, WPUM_N8N_Wpum::USER_COLUMNS, true ) ) {
			return $user->data->$key ?? null;
		}
		if ( ! metadata_exists( 'user', $user->ID, $key ) ) {
			return null;
		}
		return get_user_meta( $user->ID, $key, true );
	}

	/**
	 * Normalizes one stored value by its field type (see the table in docs/contract.md).
	 *
	 * @param mixed $raw   Stored value.
	 * @param array $field Catalog field.
	 * @return mixed
	 */
	public static function normalize( $raw, array $field ) {
		$raw = maybe_unserialize( $raw );
		if ( null === $raw ) {
			return null;
		}
		switch ( $field['type'] ) {
			case 'checkbox':
				if ( is_string( $raw ) ) {
					return in_array( strtolower( trim( $raw ) ), array( '1', 'true', 'yes', 'on' ), true );
				}
				return (bool) $raw;
			case 'multiselect':
			case 'multicheckbox':
				return self::string_list( $raw );
			case 'userrole':
				return $field['multiple'] ? self::string_list( $raw ) : self::string_or_null( is_array( $raw ) ? reset( $raw ) : $raw );
			case 'file':
				return self::file_value( $raw, $field['multiple'] );
			case 'datepicker':
				return self::date_value( $raw );
			case 'number':
				return self::number_value( $raw );
			case 'repeater':
				return is_array( $raw ) ? array_values( array_filter( $raw, 'is_array' ) ) : null;
			default:
				if ( is_array( $raw ) ) {
					return array_values( array_map( 'strval', array_filter( $raw, 'is_scalar' ) ) );
				}
				return self::string_or_null( $raw );
		}
	}

	/**
	 * Option labels for choice fields, same shape as the value.
	 *
	 * @param mixed $value Normalized value.
	 * @return string|string[]|null
	 */
	private static function labels_for( $value, array $field ) {
		if ( null === $value || ! in_array( $field['type'], array( 'dropdown', 'radio', 'multiselect', 'multicheckbox', 'userrole' ), true ) ) {
			return null;
		}
		$by_value = array_column( $field['options'], 'label', 'value' );
		if ( is_array( $value ) ) {
			return array_map( static fn( $v ) => (string) ( $by_value[ $v ] ?? $v ), $value );
		}
		return (string) ( $by_value[ $value ] ?? $value );
	}

	private static function string_or_null( $raw ): ?string {
		if ( ! is_scalar( $raw ) ) {
			return null;
		}
		$value = (string) $raw;
		return '' === $value ? null : $value;
	}

	private static function string_list( $raw ): ?array {
		if ( is_array( $raw ) ) {
			return array_values( array_map( 'strval', array_filter( $raw, static fn( $v ) => is_scalar( $v ) && '' !== (string) $v ) ) );
		}
		$single = self::string_or_null( $raw );
		return null === $single ? array() : array( $single );
	}

	/**
	 * URL or URLs; WPUM stores several files as `[{url, path}]`, and the path never leaves the site.
	 */
	private static function file_value( $raw, bool $multiple ) {
		if ( is_array( $raw ) ) {
			$urls = array();
			$list = isset( $raw['url'] ) ? array( $raw ) : $raw;
			foreach ( $list as $item ) {
				$url = is_array( $item ) ? ( $item['url'] ?? null ) : $item;
				if ( is_string( $url ) && '' !== $url ) {
					$urls[] = $url;
				}
			}
			if ( ! $multiple && isset( $raw['url'] ) ) {
				return $urls[0] ?? null;
			}
			return $urls;
		}
		$url = self::string_or_null( $raw );
		if ( $multiple ) {
			return null === $url ? array() : array( $url );
		}
		return $url;
	}

	/**
	 * `YYYY-MM-DD` from the front end's `Y-m-d`, the site's `date_format` (wp-admin), or a timestamp.
	 */
	private static function date_value( $raw ): ?string {
		if ( ! is_scalar( $raw ) ) {
			return null;
		}
		$value = trim( (string) $raw );
		if ( '' === $value ) {
			return null;
		}
		if ( preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', $value, $m ) && checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) ) {
			return $value;
		}
		if ( preg_match( '/^\d{9,11}$/', $value ) ) {
			return gmdate( 'Y-m-d', (int) $value );
		}
		$format = (string) get_option( 'date_format', 'F j, Y' );
		$utc    = new DateTimeZone( 'UTC' );
		$date   = DateTimeImmutable::createFromFormat( '!' . $format, $value, $utc );
		if ( $date && DateTimeImmutable::getLastErrors() === false ) {
			return $date->format( 'Y-m-d' );
		}
		$timestamp = strtotime( $value . ' UTC' );
		return false === $timestamp ? null : gmdate( 'Y-m-d', $timestamp );
	}

	/**
	 * @return int|float|null
	 */
	private static function number_value( $raw ) {
		if ( is_int( $raw ) || is_float( $raw ) ) {
			return $raw;
		}
		if ( ! is_string( $raw ) ) {
			return null;
		}
		$value = str_replace( ',', '.', trim( $raw ) );
		if ( ! is_numeric( $value ) ) {
			return null;
		}
		return preg_match( '/^-?\d+$/', $value ) ? (int) $value : (float) $value;
	}
}
