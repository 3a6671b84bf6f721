<?php
/**
 * Plugin Name:       WPUM n8n Connector
 * Plugin URI:        https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager
 * Description:       Sends WP User Manager (WPUM) user events to n8n as signed webhooks from a persistent outbox, and gives n8n a REST API for users, fields and CRM links.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            n8n-nodes-wp-user-manager contributors
 * License:           MIT
 * Text Domain:       wpum-n8n-connector
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

define( 'WPUM_N8N_VERSION', '0.1.0' );
define( 'WPUM_N8N_FILE', __FILE__ );
define( 'WPUM_N8N_DIR', __DIR__ );

require_once __DIR__ . '/includes/class-wpum-n8n-clock.php';
require_once __DIR__ . '/includes/class-wpum-n8n-schema.php';
require_once __DIR__ . '/includes/class-wpum-n8n-wpum.php';
require_once __DIR__ . '/includes/class-wpum-n8n-field-catalog.php';
require_once __DIR__ . '/includes/class-wpum-n8n-user-serializer.php';
require_once __DIR__ . '/includes/class-wpum-n8n-webhooks.php';
require_once __DIR__ . '/includes/class-wpum-n8n-outbox.php';
require_once __DIR__ . '/includes/class-wpum-n8n-dispatcher.php';
require_once __DIR__ . '/includes/class-wpum-n8n-event-collector.php';
require_once __DIR__ . '/includes/class-wpum-n8n-rest-controller.php';
require_once __DIR__ . '/includes/class-wpum-n8n-admin-page.php';
require_once __DIR__ . '/includes/class-wpum-n8n-plugin.php';

register_activation_hook( __FILE__, array( 'WPUM_N8N_Plugin', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'WPUM_N8N_Plugin', 'deactivate' ) );

WPUM_N8N_Plugin::boot();
