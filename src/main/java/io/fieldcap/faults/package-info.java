/**
 * Fault injection for the reliability tests: named points in the durable write and ack paths where
 * a test build can make the process die as a power cut would, between two steps.
 */
package io.fieldcap.faults;
