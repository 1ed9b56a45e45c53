package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.ModelInfo;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap models}: model tools. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Model tools and the server's model registry.",
    subcommands = {ModelsCommand.Inspect.class, RegistryCommands.Add.class, RegistryCommands.ListModels.class,
        RegistryCommands.Show.class})
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (inspect, add, list, show)");
  }

  /** {@code fieldcap models inspect PATH}. */
  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Print a model's detected family, inputs, outputs, class names and metadata.")
  static final class Inspect implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "The ONNX model.")
    Path path;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ModelInfo i;
      try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(path, null, null, 0.25f, 0.45f, "cpu", 1))) {
        i = d.info();
      } catch (ModelException e) {
        throw new ConfigException(e.getMessage());
      }
      var out = spec.commandLine().getOut();
      boolean dynamic = i.dynamicInput();
      String sizeNote = dynamic ? "its input size is dynamic: it runs at " + i.inputWidth() + "x" + i.inputHeight()
          + (i.metadata().containsKey("imgsz") ? " (its metadata's imgsz)" : " unless model.input-size says otherwise")
          : null;
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", i.file());
        o.put("family", i.family().configName());
        o.put("input", Map.of("width", i.inputWidth(), "height", i.inputHeight(), "dynamic", dynamic));
        o.put("inputs", i.inputs().stream().map(ModelInfo.Tensor::toString).toList());
        o.put("outputs", i.outputs().stream().map(ModelInfo.Tensor::toString).toList());
        o.put("names", i.names());
        o.put("metadata", i.metadata());
        out.println(Json.MAPPER.writeValueAsString(o));
      } else {
        out.printf("model     %s%n", i.file());
        out.printf("family    %s (model.format: %s)%n", i.family().configName(), i.family().configName());
        out.printf("input     %dx%d%s%n", i.inputWidth(), i.inputHeight(), sizeNote == null ? "" : "; " + sizeNote);
        out.printf("inputs    %s%n", i.inputs());
        out.printf("outputs   %s%n", i.outputs());
        out.printf("classes   %d: %s%n", i.names().size(), i.names().size() > 20
            ? String.join(", ", i.names().subList(0, 20)) + ", …" : String.join(", ", i.names()));
        i.metadata().forEach((k, v) -> out.printf("metadata  %s = %s%n", k, v.length() > 200 ? v.substring(0, 200) + "…" : v));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
