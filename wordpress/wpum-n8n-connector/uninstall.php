<?php
/**
 * Removes everything the plugin stored: its tables, options, user meta and cron event.
 *
 * @package WPUM_N8N
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

global $wpdb;

$wpum_n8n_prefix = $wpdb->prefix;
// Table names are built from $wpdb->prefix only.
$wpdb->query( "DROP TABLE IF EXISTS {$wpum_n8n_prefix}wpum_n8n_outbox" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
$wpdb->query( "DROP TABLE IF EXISTS {$wpum_n8n_prefix}wpum_n8n_webhooks" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared

delete_option( 'wpum_n8n_db_version' );
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( 'wpum_n8n_' ) . '%' ) );
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $wpdb->esc_like( '_wpum_n8n_' ) . '%' ) );

wp_clear_scheduled_hook( 'wpum_n8n_deliver_due' );
wp_cache_flush();
