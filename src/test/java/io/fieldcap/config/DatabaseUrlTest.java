package io.fieldcap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void aPostgresUrlIsTakenApartAndNeverDescribedWithItsPassword() throws Exception {
    DatabaseUrl t = DatabaseUrl.parse("postgresql://fieldcap:s%40cret@db.example.org:6543/frames?sslmode=require");
    assertThat(t.jdbc()).isEqualTo("jdbc:postgresql://db.example.org:6543/frames?sslmode=require");
    assertThat(t.user()).isEqualTo("fieldcap");
    assertThat(t.password()).isEqualTo("s@cret");
    assertThat(t.describe()).isEqualTo("postgresql://fieldcap@db.example.org:6543/frames?sslmode=require").doesNotContain("cret");

    assertThat(DatabaseUrl.parse("postgres://db/frames").jdbc()).isEqualTo("jdbc:postgresql://db/frames");
    assertThat(DatabaseUrl.parse("jdbc:postgresql://db/frames?user=a&password=b").describe()).doesNotContain("password=b");
  }

  @Test
  void anythingElseIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> DatabaseUrl.check("postgresql://db.example.org")).isInstanceOf(IOException.class)
        .hasMessageContaining("expected postgresql://[user@]host[:port]/database");
    assertThatThrownBy(() -> DatabaseUrl.check("mysql://u:pw@db/x")).hasMessageContaining("mysql://u:***@db/x")
        .hasMessageContaining("expected sqlite: or postgresql://host/db");
  }

  @Test
  void sqliteIsTheDefault() throws Exception {
    assertThat(DatabaseUrl.check(null)).isFalse();
    assertThat(DatabaseUrl.check("sqlite:")).isFalse();
    assertThat(DatabaseUrl.check("postgresql://h/db")).isTrue();
  }
}
