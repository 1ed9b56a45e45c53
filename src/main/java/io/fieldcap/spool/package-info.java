/**
 * The spool: the only meeting point of capture and sync. Kept frames are JPEG files under {@code
 * frames/} indexed by a SQLite database ({@code spool.db}, WAL, {@code synchronous=FULL}). A frame's
 * life: pending, then in flight while sync sends it, then acked (deleted, or retained) once the
 * server says it is stored; or evicted to respect the quota, counted. Counters survive restarts.
 */
package io.fieldcap.spool;
