<?php
/**
 * REST API `wpum-n8n/v1` (docs/contract.md): subscriptions, field catalog, users, CRM links, deliveries.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the routes. Every route checks a capability; application passwords authenticate n8n.
 */
class WPUM_N8N_Rest_Controller {

	const NAMESPACE = 'wpum-n8n/v1';

	public static function register(): void {
		add_action( 'rest_api_init', array( __CLASS__, 'register_routes' ) );
	}

	public static function register_routes(): void {
		$list_users     = self::require_capability( 'list_users' );
		$manage_options = self::require_capability( 'manage_options' );
		$edit_users     = self::require_capability( 'edit_users' );
		$paging         = array(
			'page'     => array(
				'type'    => 'integer',
				'minimum' => 1,
				'default' => 1,
			),
			'per_page' => array(
				'type'    => 'integer',
				'minimum' => 1,
				'maximum' => 100,
				'default' => 50,
			),
		);

		register_rest_route( self::NAMESPACE, '/status', self::route( 'GET', 'get_status', $list_users ) );
		register_rest_route( self::NAMESPACE, '/fields', self::route( 'GET', 'get_fields', $list_users ) );
		register_rest_route( self::NAMESPACE, '/forms', self::route( 'GET', 'get_forms', $list_users ) );
		register_rest_route( self::NAMESPACE, '/roles', self::route( 'GET', 'get_roles', $list_users ) );

		register_rest_route(
			self::NAMESPACE,
			'/webhooks',
			array(
				self::route( 'GET', 'list_webhooks', $manage_options ),
				self::route( 'POST', 'create_webhook', $manage_options ),
			)
		);
		register_rest_route( self::NAMESPACE, '/webhooks/(?P<id>\d+)', self::route( 'DELETE', 'delete_webhook', $manage_options ) );
		register_rest_route( self::NAMESPACE, '/webhooks/(?P<id>\d+)/test', self::route( 'POST', 'test_webhook', $manage_options ) );

		register_rest_route(
			self::NAMESPACE,
			'/users',
			self::route(
				'GET',
				'list_users',
				$list_users,
				array_merge(
					$paging,
					array(
						'role'             => array( 'type' => 'string' ),
						'status'           => array(
							'type' => 'string',
							'enum' => array( 'active', 'pending_approval', 'pending_verification' ),
						),
						'registered_after' => array(
							'type'   => 'string',
							'format' => 'date-time',
						),
						'updated_after'    => array(
							'type'   => 'string',
							'format' => 'date-time',
						),
					)
				)
			)
		);
		register_rest_route( self::NAMESPACE, '/users/(?P<id>\d+)', self::route( 'GET', 'get_user', $list_users ) );
		register_rest_route( self::NAMESPACE, '/users/(?P<id>\d+)/crm-link', self::route( 'POST', 'link_crm', $edit_users ) );

		register_rest_route(
			self::NAMESPACE,
			'/deliveries',
			self::route(
				'GET',
				'list_deliveries',
				$manage_options,
				array_merge(
					$paging,
					array(
						'status' => array(
							'type' => 'string',
							'enum' => WPUM_N8N_Outbox::STATUSES,
						),
					)
				)
			)
		);
		register_rest_route( self::NAMESPACE, '/deliveries/(?P<id>\d+)/retry', self::route( 'POST', 'retry_delivery', $manage_options ) );
	}

	private static function route( string $method, string $handler, callable $permission, array $args = array() ): array {
		return array(
			'methods'             => $method,
			'callback'            => array( __CLASS__, $handler ),
			'permission_callback' => $permission,
			'args'                => $args,
		);
	}

	/**
	 * 401 without (valid) credentials, 403 for a user who lacks the capability.
	 */
	private static function require_capability( string $capability ): callable {
		return static function () use ( $capability ) {
			if ( current_user_can( $capability ) ) {
				return true;
			}
			$logged_in = is_user_logged_in();
			return new WP_Error(
				'wpum_n8n_forbidden',
				$logged_in
					/* translators: %s: capability */
					? sprintf( __( 'This WordPress user lacks the "%s" capability. Use an administrator\'s application password.', 'wpum-n8n-connector' ), $capability )
					: __( 'Authentication required: send a WordPress username and application password (HTTP Basic).', 'wpum-n8n-connector' ),
				array( 'status' => rest_authorization_required_code() )
			);
		};
	}

	public static function get_status(): WP_REST_Response {
		return rest_ensure_response(
			array(
				'plugin_version'    => WPUM_N8N_VERSION,
				'site_url'          => home_url(),
				'wpum'              => array(
					'active'  => WPUM_N8N_Wpum::is_active(),
					'version' => WPUM_N8N_Wpum::version(),
				),
				'custom_fields'     => array( 'active' => WPUM_N8N_Wpum::custom_fields_active() ),
				'user_verification' => array(
					'active' => WPUM_N8N_Wpum::user_verification_active(),
					'method' => WPUM_N8N_Wpum::user_verification_active() ? WPUM_N8N_Wpum::verification_method() : null,
				),
				'outbox'            => WPUM_N8N_Outbox::counts(),
			)
		);
	}

	public static function get_fields(): WP_REST_Response {
		return rest_ensure_response( WPUM_N8N_Field_Catalog::get() );
	}

	public static function get_forms(): WP_REST_Response {
		return rest_ensure_response( WPUM_N8N_Wpum::registration_forms() );
	}

	public static function get_roles(): WP_REST_Response {
		$roles = array();
		foreach ( wp_roles()->get_names() as $slug => $name ) {
			$roles[] = array(
				'slug' => (string) $slug,
				'name' => translate_user_role( $name ),
			);
		}
		return rest_ensure_response( $roles );
	}

	public static function list_webhooks(): WP_REST_Response {
		return rest_ensure_response( WPUM_N8N_Webhooks::all() );
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function create_webhook( WP_REST_Request $request ) {
		$created = WPUM_N8N_Webhooks::create( $request['url'], $request['events'], $request['secret'], $request['name'] ?? '' );
		if ( is_wp_error( $created ) ) {
			return $created;
		}
		$response = rest_ensure_response( $created );
		$response->set_status( 201 );
		return $response;
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function delete_webhook( WP_REST_Request $request ) {
		$id = (int) $request['id'];
		if ( ! WPUM_N8N_Webhooks::delete( $id ) ) {
			return self::webhook_not_found( $id );
		}
		return rest_ensure_response(
			array(
				'deleted' => true,
				'id'      => $id,
			)
		);
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function test_webhook( WP_REST_Request $request ) {
		$id = (int) $request['id'];
		if ( ! WPUM_N8N_Webhooks::get( $id ) ) {
			return self::webhook_not_found( $id );
		}
		return rest_ensure_response( WPUM_N8N_Event_Collector::enqueue_ping( $id, get_current_user_id() ) );
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function list_users( WP_REST_Request $request ) {
		$page     = (int) $request['page'];
		$per_page = (int) $request['per_page'];
		$args     = array(
			'number'      => $per_page,
			'paged'       => $page,
			'orderby'     => 'ID',
			'order'       => 'ASC',
			'fields'      => 'ID',
			'count_total' => true,
			'meta_query'  => array(), // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
		);

		if ( ! empty( $request['role'] ) ) {
			$role = (string) $request['role'];
			if ( ! wp_roles()->is_role( $role ) ) {
				return new WP_Error( 'wpum_n8n_unknown_role', sprintf( /* translators: %s: role slug */ __( 'There is no role "%s" on this site. GET /wpum-n8n/v1/roles lists the role slugs.', 'wpum-n8n-connector' ), $role ), array( 'status' => 400 ) );
			}
			$args['role'] = $role;
		}

		if ( ! empty( $request['registered_after'] ) ) {
			$after = rest_parse_date( (string) $request['registered_after'] );
			if ( false === $after ) {
				return self::bad_date( 'registered_after' );
			}
			$args['date_query'] = array(
				array(
					'column'    => 'user_registered',
					'after'     => gmdate( 'Y-m-d H:i:s', $after ),
					'inclusive' => false,
				),
			);
		}

		if ( ! empty( $request['updated_after'] ) ) {
			$after = rest_parse_date( (string) $request['updated_after'] );
			if ( false === $after ) {
				return self::bad_date( 'updated_after' );
			}
			$args['meta_query'][] = array(
				'key'     => WPUM_N8N_User_Serializer::UPDATED_AT_META,
				'value'   => $after,
				'compare' => '>',
				'type'    => 'NUMERIC',
			);
		}

		if ( ! empty( $request['status'] ) && ! WPUM_N8N_Wpum::user_verification_active() ) {
			// Without the addon every user is active.
			if ( 'active' !== $request['status'] ) {
				$args['include'] = array( 0 );
			}
		} elseif ( ! empty( $request['status'] ) ) {
			$status = (string) $request['status'];
			if ( 'active' === $status ) {
				$args['meta_query'][] = array(
					'relation' => 'OR',
					array(
						'key'     => 'wpumuv_needs_verification',
						'compare' => 'NOT EXISTS',
					),
					array(
						'key'     => 'wpumuv_needs_verification',
						'value'   => array( '', '0' ),
						'compare' => 'IN',
					),
				);
			} else {
				$pending_status = 'approval' === WPUM_N8N_Wpum::verification_method() ? 'pending_approval' : 'pending_verification';
				if ( $status !== $pending_status ) {
					$args['include'] = array( 0 );
				}
				$args['meta_query'][] = array(
					'key'     => 'wpumuv_needs_verification',
					'value'   => array( '', '0' ),
					'compare' => 'NOT IN',
				);
			}
		}

		$query = new WP_User_Query( $args );
		$users = array();
		foreach ( $query->get_results() as $user_id ) {
			$user = WPUM_N8N_User_Serializer::serialize( (int) $user_id );
			if ( $user ) {
				$users[] = $user;
			}
		}
		$total = (int) $query->get_total();
		return rest_ensure_response(
			array(
				'users'       => $users,
				'page'        => $page,
				'per_page'    => $per_page,
				'total'       => $total,
				'total_pages' => (int) ceil( $total / $per_page ),
			)
		);
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function get_user( WP_REST_Request $request ) {
		$user = WPUM_N8N_User_Serializer::serialize( (int) $request['id'] );
		return $user ? rest_ensure_response( $user ) : self::user_not_found( (int) $request['id'] );
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function link_crm( WP_REST_Request $request ) {
		$user_id = (int) $request['id'];
		if ( ! get_userdata( $user_id ) ) {
			return self::user_not_found( $user_id );
		}
		$crm = is_string( $request['crm'] ) ? strtolower( trim( $request['crm'] ) ) : '';
		if ( ! preg_match( '/^[a-z0-9_-]{1,64}$/', $crm ) ) {
			return new WP_Error( 'wpum_n8n_invalid_crm', __( 'Send "crm" as a short slug of lowercase letters, digits, "-" or "_", for example "hubspot".', 'wpum-n8n-connector' ), array( 'status' => 400 ) );
		}
		$contact_id = $request['contact_id'];
		if ( ! is_scalar( $contact_id ) || '' === trim( (string) $contact_id ) ) {
			return new WP_Error( 'wpum_n8n_invalid_contact_id', __( 'Send "contact_id": the id the CRM gave this contact.', 'wpum-n8n-connector' ), array( 'status' => 400 ) );
		}
		$tags = $request['tags'];
		if ( null !== $tags && ( ! is_array( $tags ) || array_filter( $tags, static fn( $t ) => ! is_scalar( $t ) ) ) ) {
			return new WP_Error( 'wpum_n8n_invalid_tags', __( 'Send "tags" as a list of strings, or leave it out.', 'wpum-n8n-connector' ), array( 'status' => 400 ) );
		}

		$links = get_user_meta( $user_id, WPUM_N8N_User_Serializer::CRM_META, true );
		$links = is_array( $links ) ? $links : array();
		$link  = array(
			'contact_id' => sanitize_text_field( (string) $contact_id ),
			'linked_at'  => time(),
		);
		if ( null !== $tags ) {
			$link['tags'] = array_values( array_map( static fn( $t ) => sanitize_text_field( (string) $t ), $tags ) );
		} elseif ( isset( $links[ $crm ]['tags'] ) ) {
			$link['tags'] = $links[ $crm ]['tags'];
		}
		$links[ $crm ] = $link;
		update_user_meta( $user_id, WPUM_N8N_User_Serializer::CRM_META, $links );

		return rest_ensure_response( WPUM_N8N_User_Serializer::serialize( $user_id ) );
	}

	public static function list_deliveries( WP_REST_Request $request ): WP_REST_Response {
		$page     = (int) $request['page'];
		$per_page = (int) $request['per_page'];
		list( $rows, $total ) = WPUM_N8N_Outbox::page( $request['status'] ? (string) $request['status'] : null, $page, $per_page );
		return rest_ensure_response(
			array(
				'deliveries'  => $rows,
				'page'        => $page,
				'per_page'    => $per_page,
				'total'       => $total,
				'total_pages' => (int) ceil( $total / $per_page ),
			)
		);
	}

	/**
	 * @return WP_REST_Response|WP_Error
	 */
	public static function retry_delivery( WP_REST_Request $request ) {
		$delivery = WPUM_N8N_Outbox::retry( (int) $request['id'] );
		if ( is_wp_error( $delivery ) ) {
			return $delivery;
		}
		WPUM_N8N_Dispatcher::notify_new_rows();
		return rest_ensure_response( $delivery );
	}

	private static function user_not_found( int $id ): WP_Error {
		/* translators: %d: user id */
		return new WP_Error( 'wpum_n8n_user_not_found', sprintf( __( 'There is no user with id %d. Check the id, or list users with GET /wpum-n8n/v1/users.', 'wpum-n8n-connector' ), $id ), array( 'status' => 404 ) );
	}

	private static function webhook_not_found( int $id ): WP_Error {
		/* translators: %d: subscription id */
		return new WP_Error( 'wpum_n8n_webhook_not_found', sprintf( __( 'There is no webhook subscription %d. List them with GET /wpum-n8n/v1/webhooks.', 'wpum-n8n-connector' ), $id ), array( 'status' => 404 ) );
	}

	private static function bad_date( string $param ): WP_Error {
		/* translators: %s: parameter name */
		return new WP_Error( 'wpum_n8n_invalid_date', sprintf( __( '"%s" must be an ISO 8601 date-time such as 2026-11-27T06:00:00Z.', 'wpum-n8n-connector' ), $param ), array( 'status' => 400 ) );
	}
}
