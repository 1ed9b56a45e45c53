/** What the server checks in what it holds: near-duplicates and broken frames ({@code fieldcap clean}). */
package io.fieldcap.clean;
