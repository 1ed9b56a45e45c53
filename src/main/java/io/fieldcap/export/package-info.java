/** Dataset exports from the server's store; one class per format behind {@link io.fieldcap.export.Exporter}. */
package io.fieldcap.export;
