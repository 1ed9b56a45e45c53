/**
 * Labels and frames coming in: corrections made in a labeling tool, matched to their frames by frame
 * id and stored as label revisions beside the pre-labels; whole datasets imported as frames of a named
 * source; and the crawler that fetches images from URLs politely. {@link
 * io.fieldcap.dataset.imports.Importer} checks and stores what the format readers read.
 */
package io.fieldcap.dataset.imports;
