/** OpenCV glue: loading the native library once, and converting between Mats, BGR frames and JPEG bytes. */
package io.fieldcap.image;
