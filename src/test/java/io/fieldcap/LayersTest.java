package io.fieldcap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.fieldcap.agent.Agent;
import io.fieldcap.capture.CaptureLoop;
import io.fieldcap.ingest.Ingest;
import io.fieldcap.server.Server;
import io.fieldcap.spool.Spool;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.sync.SyncService;
import io.fieldcap.update.Updater;
import io.fieldcap.web.WebApp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layers of docs/architecture.md, checked on the compiled main classes. A change that
 * needs a new arrow changes the table here and the drawing there, on purpose and in review.
 */
class LayersTest {
  private static final String ROOT = "io.fieldcap";

  /** The packages that turn configuration into running objects: the only ones that start services. */
  private static final String[] WIRING = {"io.fieldcap.agent..", "io.fieldcap.server..", "io.fieldcap.cli..",
      "io.fieldcap.demo..", "io.fieldcap.bench.."};

  /** Each top-level package and the project packages it may import (besides itself and {@code io.fieldcap}). */
  static final Map<String, List<String>> MAY_IMPORT = table();

  private static Map<String, List<String>> table() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    // leaves: import nothing of the project
    t.put("model", List.of());
    t.put("json", List.of());
    t.put("keys", List.of());
    t.put("fs", List.of());
    t.put("faults", List.of());
    t.put("metrics", List.of());
    t.put("markup", List.of());
    // shared by device and server
    t.put("protocol", List.of("model", "json", "keys"));
    t.put("config", List.of("model", "keys"));
    t.put("image", List.of("model", "config", "fs"));
    t.put("transport", List.of("config"));
    t.put("inference", List.of("model", "config", "image"));
    t.put("track", List.of("model"));
    // the device
    t.put("geo", List.of("model", "config"));
    t.put("capture", List.of("model", "config", "image"));
    t.put("select", List.of("model", "config", "image"));
    t.put("privacy", List.of("model", "config", "image", "inference"));
    t.put("spool", List.of("model", "config", "fs", "faults", "json"));
    t.put("sync", List.of("model", "config", "json", "keys", "metrics", "protocol", "spool", "transport"));
    t.put("update", List.of("model", "config", "fs", "json", "keys", "image", "inference", "protocol", "transport"));
    // the server
    t.put("store", List.of("model", "config", "fs", "faults", "json", "image"));
    t.put("ingest", List.of("model", "faults", "json", "metrics", "image", "protocol", "store"));
    t.put("dataset", List.of("model", "json", "markup", "image", "inference", "store"));
    t.put("eval", List.of("model", "json", "fs", "image", "inference", "track", "store", "dataset"));
    t.put("web", List.of("model", "config", "json", "markup", "fs", "image", "transport", "store", "dataset", "eval"));
    // wiring
    List<String> device = List.of("model", "json", "keys", "fs", "faults", "metrics", "protocol", "config", "image",
        "transport", "inference", "track", "geo", "capture", "select", "privacy", "spool", "sync", "update");
    List<String> server = List.of("model", "json", "markup", "keys", "fs", "faults", "metrics", "protocol", "config", "image",
        "transport", "inference", "track", "store", "ingest", "dataset", "eval", "web");
    t.put("agent", device);
    t.put("server", server);
    t.put("demo", Stream.concat(Stream.concat(device.stream(), server.stream()), Stream.of("agent", "server"))
        .distinct().toList());
    t.put("bench", Stream.concat(t.get("demo").stream(), Stream.of("demo")).toList());
    t.put("cli", Stream.concat(t.get("bench").stream(), Stream.of("bench")).toList());
    return t;
  }

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
  }

  @Test
  void everyPackageHasARowInTheTable() {
    Set<String> found = main.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith(ROOT + "."))
        .map(p -> p.substring(ROOT.length() + 1).split("\\.")[0]).collect(Collectors.toCollection(TreeSet::new));
    assertThat(found).as("top-level packages; a new one needs its row in LayersTest and docs/architecture.md")
        .containsExactlyInAnyOrderElementsOf(MAY_IMPORT.keySet());
  }

  @Test
  void eachPackageImportsOnlyWhatItsRowAllows() {
    for (Map.Entry<String, List<String>> row : MAY_IMPORT.entrySet()) {
      List<String> allowed = Stream.concat(Stream.of(row.getKey()), row.getValue().stream()).map(p -> ROOT + "." + p).toList();
      ArchRule rule = classes().that().resideInAPackage(ROOT + "." + row.getKey() + "..")
          .should().onlyDependOnClassesThat(DescribedPredicate.describe("outside the project or in " + row.getValue(),
              (JavaClass c) -> !c.getPackageName().startsWith(ROOT + ".") || allowed.stream()
                  .anyMatch(a -> c.getPackageName().equals(a) || c.getPackageName().startsWith(a + "."))))
          .because("docs/architecture.md: " + row.getKey() + " may import " + row.getValue());
      rule.check(main);
    }
  }

  @Test
  void noPackageCycles() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void captureAndSyncNeverImportEachOther() {
    noClasses().that().resideInAPackage(ROOT + ".capture..").should().dependOnClassesThat()
        .resideInAPackage(ROOT + ".sync..").check(main);
    noClasses().that().resideInAPackage(ROOT + ".sync..").should().dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".capture..", ROOT + ".select..", ROOT + ".inference..")
        .because("sync only reads and acknowledges the spool").check(main);
  }

  @Test
  void theDeviceNeverImportsTheServer() {
    noClasses().that().resideInAnyPackage(ROOT + ".agent..", ROOT + ".capture..", ROOT + ".select..", ROOT + ".privacy..", ROOT + ".spool..",
        ROOT + ".sync..", ROOT + ".update..", ROOT + ".geo..", ROOT + ".inference..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".store..", ROOT + ".ingest..", ROOT + ".web..",
            ROOT + ".dataset..", ROOT + ".eval..", ROOT + ".server..")
        .check(main);
  }

  @Test
  void onlyTheWiringStartsServices() {
    Set<Class<?>> services = Set.of(Agent.class, Server.class, SyncService.class, Ingest.class, WebApp.class,
        CaptureLoop.class, Updater.class);
    noClasses().that().resideOutsideOfPackages(WIRING)
        .should().callConstructorWhere(DescribedPredicate.describe("a service's constructor",
            (JavaAccess<?> call) -> !call.getOriginOwner().equals(call.getTargetOwner())
                && services.stream().anyMatch(s -> call.getTargetOwner().isEquivalentTo(s))))
        .because("only agent, server, cli, demo and bench construct the object graph").check(main);
    noClasses().that().resideOutsideOfPackages(WIRING)
        .should().callMethodWhere(DescribedPredicate.describe("Spool.open or LocalFrameStore.open",
            (JavaAccess<?> call) -> !call.getOriginOwner().equals(call.getTargetOwner()) && call.getName().equals("open")
                && (call.getTargetOwner().isEquivalentTo(Spool.class)
                || call.getTargetOwner().isEquivalentTo(LocalFrameStore.class))))
        .because("the spool and the store are opened by the wiring and handed down").check(main);
  }
}
