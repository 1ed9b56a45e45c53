/**
 * Signed fleet updates (docs/fleet.md): the bundle format and its signature ({@link Bundle}, {@link Signed}),
 * publishing bundles over the broker ({@link FleetClient}), and the device side that verifies, stages,
 * activates, watches and rolls back ({@link Updater}).
 */
package io.fieldcap.update;
