<?php
/**
 * Wires the plugin's parts into WordPress.
 *
 * @package WPUM_N8N
 */

defined( 'ABSPATH' ) || exit;

/**
 * Bootstrap, activation and deactivation.
 */
class WPUM_N8N_Plugin {

	public static function boot(): void {
		add_action( 'plugins_loaded', array( 'WPUM_N8N_Schema', 'maybe_install' ) );
		add_action( 'init', array( 'WPUM_N8N_Dispatcher', 'schedule_cron' ) );
		WPUM_N8N_Event_Collector::register();
		WPUM_N8N_Dispatcher::register();
		WPUM_N8N_Rest_Controller::register();
		WPUM_N8N_Admin_Page::register();
	}

	public static function activate(): void {
		WPUM_N8N_Schema::install();
		WPUM_N8N_Dispatcher::schedule_cron();
	}

	public static function deactivate(): void {
		WPUM_N8N_Dispatcher::unschedule_cron();
	}
}
