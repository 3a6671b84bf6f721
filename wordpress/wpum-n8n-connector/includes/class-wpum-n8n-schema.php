<?php
/**
 * The plugin's two tables: webhook subscriptions and the delivery outbox.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Creates and drops the tables with dbDelta (MySQL/MariaDB and SQLite alike).
 */
class WPUM_N8N_Schema {

	const DB_VERSION        = '1';
	const DB_VERSION_OPTION = 'wpum_n8n_db_version';

	public static function webhooks_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'wpum_n8n_webhooks';
	}

	public static function outbox_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'wpum_n8n_outbox';
	}

	/**
	 * Creates or upgrades the tables when the stored schema version differs.
	 */
	public static function maybe_install(): void {
		if ( get_option( self::DB_VERSION_OPTION ) === self::DB_VERSION ) {
			return;
		}
		self::install();
	}

	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';

		$charset  = $wpdb->get_charset_collate();
		$webhooks = self::webhooks_table();
		$outbox   = self::outbox_table();

		// dbDelta wants two spaces after PRIMARY KEY and one field per line.
		dbDelta(
			"CREATE TABLE {$webhooks} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  name varchar(191) NOT NULL DEFAULT '',
  url text NOT NULL,
  events text NOT NULL,
  secret varchar(255) NOT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY  (id)
) {$charset};"
		);
		dbDelta(
			"CREATE TABLE {$outbox} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  event_id char(36) NOT NULL,
  event varchar(64) NOT NULL,
  webhook_id bigint(20) unsigned NOT NULL,
  user_id bigint(20) unsigned NOT NULL DEFAULT 0,
  payload longtext NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'pending',
  attempts int(11) unsigned NOT NULL DEFAULT 0,
  last_http_status int(11) DEFAULT NULL,
  last_error text,
  next_attempt_at datetime NOT NULL,
  locked_until datetime DEFAULT NULL,
  created_at datetime NOT NULL,
  delivered_at datetime DEFAULT NULL,
  PRIMARY KEY  (id),
  KEY status_next (status,next_attempt_at),
  KEY event_id (event_id),
  KEY webhook_id (webhook_id)
) {$charset};"
		);

		update_option( self::DB_VERSION_OPTION, self::DB_VERSION );
	}

	public static function drop(): void {
		global $wpdb;
		// Table names come from $wpdb->prefix, not from input.
		$wpdb->query( 'DROP TABLE IF EXISTS ' . self::outbox_table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$wpdb->query( 'DROP TABLE IF EXISTS ' . self::webhooks_table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}
}
