package io.fieldcap.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped systemd units are hardened: {@code systemd-analyze security --offline=true} (systemd's
 * own scoring of a unit file, 0 = locked down, 10 = exposed) rates each at most 2.0, and the
 * settings a field device depends on are there.
 */
class SystemdUnitsIT {
  private static double exposure(Path unit) throws Exception {
    Process p = new ProcessBuilder("systemd-analyze", "security", "--offline=true", "--no-pager", unit.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Matcher m = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fieldcap-agent.service", "fieldcap-server.service"})
  void eachUnitIsRatedAtMostTwoBySystemd(String name) throws Exception {
    Path unit = Path.of("systemd", name);
    assertThat(exposure(unit)).as(name).isLessThanOrEqualTo(2.0);
    String text = Files.readString(unit);
    assertThat(text).contains("CapabilityBoundingSet=\n", "NoNewPrivileges=true", "ProtectSystem=strict", "PrivateTmp=true",
        "RestrictAddressFamilies=", "MemoryMax=", "RestartPreventExitStatus=2", "CacheDirectory=");
    if (name.contains("agent")) {
      assertThat(text).as("cameras and nothing else").contains("DevicePolicy=closed", "DeviceAllow=char-video4linux rw")
          .contains("ReadWritePaths=/var/lib/fieldcap\n");
    }
  }
}
