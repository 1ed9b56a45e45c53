/** Durable files and folders: what survives a power cut, not only a crash. */
package io.fieldcap.fs;
