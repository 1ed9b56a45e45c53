/** What an export holds: the selection of frames and labels, stable grouped splits, and augmentation. */
package io.fieldcap.dataset.export;
