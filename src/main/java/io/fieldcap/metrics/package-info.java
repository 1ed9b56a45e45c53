/** Prometheus' text format: histograms and the small HTTP endpoint the agent serves them on. */
package io.fieldcap.metrics;
