/** Augmented copies for an export: flips, crops, scales, colour jitter, with boxes, polygons and masks warped alike. */
package io.fieldcap.dataset.augment;
