/**
 * The server's dataset half: everything that turns stored frames into training data and brings
 * corrections back. This package holds what an export is made of: the {@link
 * io.fieldcap.dataset.Selection} of frames and labels, stable grouped {@link io.fieldcap.dataset.Splits},
 * and the {@link io.fieldcap.dataset.ExportOptions}. Below it, {@code format}: each dataset format's
 * writer and reader side by side, and the one registry of formats; {@code augment}: augmented copies
 * for an export; {@code imports}: corrections and whole datasets coming in, and the polite crawler;
 * {@code clean}: near-duplicates, broken frames and label checks; {@code report}: the HTML report.
 * Coordinates stay in one convention (pixels, top-left x, y, width, height, as COCO) until a
 * format's writer. It reads and writes frames only through the store's interfaces.
 */
package io.fieldcap.dataset;
