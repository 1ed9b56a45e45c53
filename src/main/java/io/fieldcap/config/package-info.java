/**
 * The device configuration: one YAML file per device, overridden by {@code --set key=value}, read
 * into validated immutable records. Validation is eager and complete: unknown keys are errors (a
 * typo must not fall back to a default), and every error names the key, the bad value, what is
 * allowed and the file's line, all errors at once.
 */
package io.fieldcap.config;
