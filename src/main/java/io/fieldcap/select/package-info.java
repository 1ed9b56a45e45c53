/**
 * Deciding what is worth keeping: quality measures (sharpness, exposure, a perceptual hash) and the
 * filters that drop blurred, badly exposed and near-duplicate frames before they reach the spool.
 */
package io.fieldcap.select;
