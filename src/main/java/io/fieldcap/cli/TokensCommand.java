package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.web.Tokens;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap tokens}: access tokens for the web app and its API. */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Access tokens for the server's web app and API.",
    subcommands = TokensCommand.Add.class)
final class TokensCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (add)");
  }

  /** {@code fieldcap tokens add --file F --name NAME --role ROLE}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a token to the tokens file (server.http.tokens-file) and print it, once: the file keeps only its",
          "SHA-256. Roles: viewer (look), reviewer (and review), admin (everything). The server reads the file again",
          "when it changes; delete a line to revoke a token."})
  static final class Add implements Callable<Integer> {
    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The tokens file (created with mode 600).")
    Path file;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who the token is for (shown in reviews).")
    String name;

    @Option(names = "--role", defaultValue = "viewer", paramLabel = "ROLE", description = "viewer, reviewer, trainer or admin (default ${DEFAULT-VALUE}).")
    String role;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      String token;
      try {
        token = Tokens.add(file, name, Tokens.Role.parse(role));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      spec.commandLine().getOut().println(token);
      spec.commandLine().getErr().println("tokens: added " + name + " (" + role + ") to " + file
          + "; the token above is shown once");
      return ExitCodes.OK;
    }
  }
}
