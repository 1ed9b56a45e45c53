/** What the server checks in what it holds: near-duplicates, broken frames ({@code fieldcap clean}) and labels ({@code check labels}). */
package io.fieldcap.dataset.clean;
