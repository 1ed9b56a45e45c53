/** Where a frame was taken: GPS fixes from gpsd, and EXIF GPS tags written into the stored JPEG. */
package io.fieldcap.geo;
