/** {@code fieldcap bench}: measurements whose figures go into docs/benchmarks.md. */
package io.fieldcap.bench;
