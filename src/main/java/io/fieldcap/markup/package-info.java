/** Escaping text for HTML, SVG and XML: one copy, used by the web app, the report and the XML dataset formats. */
package io.fieldcap.markup;
