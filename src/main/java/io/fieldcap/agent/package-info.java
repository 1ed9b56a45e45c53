/**
 * The agent's wiring and lifecycle: source, capture loop, the bounded queue to the spool writer,
 * the spool, and the periodic counter flush and summary. Nothing here decides what a frame is or
 * how it is stored; it only connects the parts that do.
 */
package io.fieldcap.agent;
