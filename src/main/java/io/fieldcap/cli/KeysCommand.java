package io.fieldcap.cli;

import io.fieldcap.keys.SigningKeys;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap keys}: the server's signing keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Signing keys for acks (and updates).",
    subcommands = KeysCommand.Generate.class)
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (generate)");
  }

  /** {@code fieldcap keys generate --out DIR}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Write an Ed25519 key pair: NAME.key (PKCS#8 PEM, private: server.signing-key on the server)",
          "and NAME.pub (X.509 PEM, public: mqtt.server-key on every device). Existing files are never replaced.",
          "With --name update: the pair that signs fleet updates (fieldcap push --key; update.key on devices)."})
  static final class Generate implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write the key pair into.")
    Path out;

    @Option(names = "--name", defaultValue = "server", paramLabel = "NAME", description = "File name stem (default: ${DEFAULT-VALUE}).")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--name '" + name + "' is not allowed; expected 1 to 64 characters from [A-Za-z0-9._-]");
      }
      try {
        SigningKeys.write(SigningKeys.generate(), out, name);
      } catch (FileAlreadyExistsException e) {
        spec.commandLine().getErr().println("fieldcap: " + e.getFile() + " " + e.getReason());
        return ExitCodes.USAGE;
      }
      var o = spec.commandLine().getOut();
      if (name.equals("update")) {
        o.println("wrote " + out.resolve(name + ".key") + " (private, mode 600): signs bundles ('fieldcap push --key');"
            + " keep it offline, on the machine you push from");
        o.println("wrote " + out.resolve(name + ".pub") + " (public): update.key on every device");
      } else {
        o.println("wrote " + out.resolve(name + ".key") + " (private, mode 600): server.signing-key on the server; keep it there only");
        o.println("wrote " + out.resolve(name + ".pub") + " (public): mqtt.server-key on every device");
      }
      return ExitCodes.OK;
    }
  }
}
