package io.fieldcap.eval;

import io.fieldcap.fs.Durable;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.ModelInfo;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Putting a model into the server's registry, wherever it comes from ({@code models add},
 * {@code train}, an upload to the web app): opened with the agent's own engine first (a model the
 * cameras could not run is refused here, with the engine's reason), its file kept durably as
 * {@code DATA/models/SHA256.onnx}, then its row. The same bytes twice are one model.
 */
public final class Registry {
  /** A model's name: what devices report and what {@code push --registered} takes. */
  public static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  private Registry() {}

  /** A registered model, and whether this call added it (false: the same bytes were registered already). */
  public record Registered(Models.Model model, boolean added, ModelInfo info) {}

  /** A registered model as the CLI and the API print it: SHA-256, name, family, classes, input size, origin, when added. */
  public static Map<String, Object> json(Models.Model m) throws IOException {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("sha256", m.sha256());
    o.put("name", m.name());
    o.put("family", m.family());
    o.put("classes", Json.MAPPER.readTree(m.classes()));
    o.put("input", Map.of("width", m.inputWidth(), "height", m.inputHeight()));
    o.put("origin", Json.MAPPER.readTree(m.origin()));
    o.put("addedAt", m.addedAt().toString());
    return o;
  }

  /** Where a registered model's file is kept. */
  public static Path file(Path dataDir, String sha256) {
    return dataDir.resolve("models").resolve(sha256 + ".onnx");
  }

  /**
   * Registers {@code model} under {@code name} (default: its file name without {@code .onnx}).
   *
   * @param move take the file itself (a finished upload in the models folder) rather than a copy
   * @param what how to name the model in a refusal (its path, "the upload")
   * @throws IllegalArgumentException the agent's engine cannot run it, or the name is not 1 to 64
   *     letters, digits, '.', '-' or '_'
   */
  public static Registered register(LocalFrameStore store, Path model, String what, String name, Map<String, Object> origin,
      boolean move) throws IOException {
    String n = name != null ? name : model.getFileName().toString().replaceAll("\\.onnx$", "");
    if (!n.matches(NAME)) {
      throw new IllegalArgumentException("the model's name '" + n + "' must be 1 to 64 letters, digits, '.', '-' or '_'");
    }
    ModelInfo i;
    try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(model, null, null, 0.25f, 0.45f, "cpu", 1))) {
      i = d.info();
    } catch (ModelException e) {
      throw new IllegalArgumentException(what + " is not a model the agent can run: " + e.getMessage(), e);
    }
    String sha = Sha256.file(model);
    Models.Model have = store.models().find(sha);
    if (have != null) {
      if (move) {
        Files.deleteIfExists(model);
      }
      return new Registered(have, false, i);
    }
    Path keep = file(store.dir(), sha);
    Durable.createDirectories(keep.getParent());
    Path tmp = move ? model : keep.resolveSibling(sha + "." + UUID.randomUUID() + ".part");
    if (!move) {
      Files.copy(model, tmp);
    }
    Durable.syncFile(tmp);
    Files.move(tmp, keep, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Durable.syncDir(keep.getParent());
    Models.Model m = new Models.Model(sha, n, i.family().configName(), Json.MAPPER.writeValueAsString(i.names()),
        i.inputWidth(), i.inputHeight(), Json.MAPPER.writeValueAsString(origin), Instant.now());
    if (!store.models().add(m)) {
      return new Registered(store.models().find(sha), false, i); // registered meanwhile by another upload
    }
    return new Registered(m, true, i);
  }
}
