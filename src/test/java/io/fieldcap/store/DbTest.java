package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class DbTest {
  @Test
  void aPostgresUrlIsTakenApartAndNeverDescribedWithItsPassword() throws Exception {
    Db.Target t = Db.Target.parse("postgresql://fieldcap:s%40cret@db.example.org:6543/frames?sslmode=require");
    assertThat(t.jdbc()).isEqualTo("jdbc:postgresql://db.example.org:6543/frames?sslmode=require");
    assertThat(t.user()).isEqualTo("fieldcap");
    assertThat(t.password()).isEqualTo("s@cret");
    assertThat(t.describe()).isEqualTo("postgresql://fieldcap@db.example.org:6543/frames?sslmode=require").doesNotContain("cret");

    assertThat(Db.Target.parse("postgres://db/frames").jdbc()).isEqualTo("jdbc:postgresql://db/frames");
    assertThat(Db.Target.parse("jdbc:postgresql://db/frames?user=a&password=b").describe()).doesNotContain("password=b");
  }

  @Test
  void anythingElseIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> Db.check("postgresql://db.example.org")).isInstanceOf(IOException.class)
        .hasMessageContaining("expected postgresql://[user@]host[:port]/database");
    assertThatThrownBy(() -> Db.check("mysql://u:pw@db/x")).hasMessageContaining("mysql://u:***@db/x")
        .hasMessageContaining("expected sqlite: or postgresql://host/db");
  }

  @Test
  void sqliteIsTheDefault() throws Exception {
    assertThat(Db.check(null)).isFalse();
    assertThat(Db.check("sqlite:")).isFalse();
    assertThat(Db.check("postgresql://h/db")).isTrue();
  }
}
