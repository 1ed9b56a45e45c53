/**
 * Redaction before anything is written: faces found by BlazeFace and boxes of chosen classes are
 * blurred or pixelated, static masks filled, and the result checked again ({@link
 * io.fieldcap.privacy.Redactor}).
 */
package io.fieldcap.privacy;
