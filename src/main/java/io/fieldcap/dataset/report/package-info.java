/** The HTML report: what the server holds, in pictures a person can judge at a glance. */
package io.fieldcap.dataset.report;
