/**
 * The {@code fieldcap} command line (picocli): one class per subcommand. Exit codes: 0 success, 2
 * bad usage or bad configuration, 1 failure at run time.
 */
package io.fieldcap.cli;
