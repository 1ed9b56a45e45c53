/** The server's web app and JSON API ({@code server.http.listen}): fleet, frames, review, on Jetty's core handlers. */
package io.fieldcap.web;
