package io.fieldcap.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian packages: {@code scripts/package.sh} builds them (lintian finds no error), each
 * per-architecture jar carries only its own platform's native libraries, and on this machine the
 * agent package installs (a system user, the command, a validated config, the unit), upgrades over
 * itself keeping an edited config, runs against a real broker as its own user, and purges cleanly;
 * the server package installs and purges. Installing needs root (CI runs as root).
 */
class PackageIT {
  @TempDir Path tmp;

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  private static int status(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    return p.exitValue();
  }

  private static List<String> natives(Path jar) throws Exception {
    List<String> out = new ArrayList<>();
    try (ZipFile z = new ZipFile(jar.toFile())) {
      z.stream().map(e -> e.getName()).filter(n -> n.endsWith(".so")).forEach(out::add);
    }
    return out;
  }

  @Test
  void eachDeviceJarCarriesOnlyItsOwnPlatformsNativeLibraries() throws Exception {
    List<String> x86 = natives(Path.of("target/fieldcap-linux-x86_64.jar"));
    List<String> arm = natives(Path.of("target/fieldcap-linux-aarch64.jar"));
    assertThat(x86).isNotEmpty().allSatisfy(n -> assertThat(n).containsPattern("x86_64|x86-64|linux-x64"));
    assertThat(arm).isNotEmpty().allSatisfy(n -> assertThat(n).containsPattern("aarch64|ARMv8"));
    for (List<String> jar : List.of(x86, arm)) {
      assertThat(jar).as("ONNX Runtime, SQLite").anyMatch(n -> n.contains("libonnxruntime.so"))
          .anyMatch(n -> n.contains("sqlitejdbc"));
      assertThat(jar).as("OpenCV comes from the system's libopencv-java").noneMatch(n -> n.contains("opencv"));
    }
    for (String name : List.of("fieldcap-linux-x86_64.jar", "fieldcap-linux-aarch64.jar")) {
      Path jar = Path.of("target", name);
      assertThat(Files.size(jar)).as(name).isLessThan(26L << 20);
      try (var in = new java.util.jar.JarFile(jar.toFile())) {
        assertThat(in.getManifest().getMainAttributes().getValue("Class-Path")).isEqualTo("/usr/share/java/opencv.jar");
      }
    }
  }

  @Test
  void thePackagesBuildInstallUpgradeRunAndPurge() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "installing packages needs root (CI runs as root)");
    String built = run("scripts/package.sh");
    List<Path> debs = new ArrayList<>();
    try (var s = Files.list(Path.of("target/deb"))) {
      s.filter(p -> p.toString().endsWith(".deb")).sorted().forEach(debs::add);
    }
    assertThat(debs).extracting(p -> p.getFileName().toString().replaceAll("_[^_]+_", "_V_"))
        .containsExactly("fieldcap-agent_V_amd64.deb", "fieldcap-agent_V_arm64.deb", "fieldcap-server_V_all.deb");
    Path agent = debs.get(0);
    assertThat(run("dpkg-deb", "--info", agent.toString())).contains("Package: fieldcap-agent", "Architecture: amd64",
        "ffmpeg", "libturbojpeg0");
    assertThat(built).doesNotContain("E: ");

    try {
      run("dpkg", "-i", agent.toString());
      assertThat(run("getent", "passwd", "fieldcap")).contains("/var/lib/fieldcap");
      assertThat(run("/usr/bin/fieldcap", "--version")).containsPattern("\\d+\\.\\d+");
      assertThat(run("stat", "-c", "%a %G", "/etc/fieldcap/agent.yaml").strip()).isEqualTo("640 fieldcap");
      assertThat(Files.readString(Path.of("/lib/systemd/system/fieldcap-agent.service")))
          .contains("/usr/share/fieldcap/fieldcap.jar").doesNotContain("/opt/");
      assertThat(Path.of("/usr/share/man/man1/fieldcap.1.gz")).isRegularFile();
      run("/usr/bin/fieldcap", "config", "check", "/etc/fieldcap/agent.yaml");

      // an edited config survives an upgrade over the same package
      Files.writeString(Path.of("/etc/fieldcap/agent.yaml"), Files.readString(Path.of("/etc/fieldcap/agent.yaml"))
          .replace("id: cam-north-01", "id: cam-edited-by-hand"));
      run("dpkg", "--force-confold", "-i", agent.toString());
      assertThat(Files.readString(Path.of("/etc/fieldcap/agent.yaml"))).contains("cam-edited-by-hand");

      // the installed agent, as its own user, against a real broker
      try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mqtt")).start()) {
        Path video = Path.of("/var/lib/fieldcap/vtest.avi");
        Files.copy(TestMedia.vtestAvi(), video);
        run("chown", "fieldcap:fieldcap", video.toString());
        ChildProcess p = ChildProcess.start(List.of("runuser", "-u", "fieldcap", "--", "/usr/bin/fieldcap", "agent",
            "--config", "/etc/fieldcap/agent.yaml", "--set", "source.uri=file://" + video, "--set", "source.realtime=false",
            "--set", "mqtt.broker=" + broker.uri()));
        try {
          assertThat(p.waitForLine(l -> l.contains("sync: connected to " + broker.uri()), Duration.ofSeconds(60)))
              .as(p::output).isTrue();
          assertThat(p.waitForLine(l -> l.contains(": streaming "), Duration.ofSeconds(30)))
              .as(p::output).isTrue();
        } finally {
          p.close();
          status("pkill", "-KILL", "-u", "fieldcap"); // runuser's child JVM, as systemd would stop the unit's cgroup
          for (int i = 0; i < 50 && status("pgrep", "-u", "fieldcap") == 0; i++) {
            Thread.sleep(100);
          }
        }
        assertThat(Path.of("/var/lib/fieldcap/spool/spool.db")).exists();
      }

      run("dpkg", "--purge", "fieldcap-agent");
      assertThat(Path.of("/usr/bin/fieldcap")).doesNotExist();
      assertThat(Path.of("/etc/fieldcap/agent.yaml")).doesNotExist();
      assertThat(Path.of("/var/lib/fieldcap")).doesNotExist();

      // the server package, beside the agent's: no file of one is the other's
      Path server = debs.get(2);
      run("dpkg", "-i", agent.toString(), server.toString());
      assertThat(run("getent", "passwd", "fieldcap-server")).contains("/var/lib/fieldcap-server");
      assertThat(run("/usr/bin/fieldcap-server", "server", "--help")).contains("migrate");
      assertThat(Files.readString(Path.of("/lib/systemd/system/fieldcap-server.service")))
          .contains("/usr/share/fieldcap-server/fieldcap-server.jar");
      run("dpkg", "--purge", "fieldcap-server", "fieldcap-agent");
      assertThat(Path.of("/usr/share/fieldcap-server")).doesNotExist();
      assertThat(Path.of("/var/lib/fieldcap-server")).doesNotExist();
    } finally {
      status("dpkg", "--purge", "fieldcap-agent");
      status("dpkg", "--purge", "fieldcap-server");
    }
  }
}
