package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.web.Router.Access;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  private final List<String> called = new ArrayList<>();

  private Router router() {
    String frame = "([A-Za-z0-9._-]{1,64})/(\\d{8}T\\d{9}Z-\\d{12,19})";
    return new Router()
        .get("/|/fleet", Access.VIEWER, x -> called.add("fleet"))
        .get("/api/frames/" + frame, Access.VIEWER, x -> called.add("frame"))
        .post("/api/frames/" + frame + "/review", Access.REVIEWER, "reviewing", x -> called.add("review"))
        .get("/login", Access.PUBLIC, x -> called.add("form"))
        .post("/login", Access.PUBLIC, null, x -> called.add("login"));
  }

  @Test
  void aPathAndMethodFindTheirRouteWithThePathsParameters() throws Exception {
    Router.Resolved r = router().resolve("POST", "/api/frames/cam-1/20261206T100000000Z-000000000001/review");
    assertThat(r.route().access()).isEqualTo(Access.REVIEWER);
    assertThat(r.route().need()).isEqualTo("reviewing");
    assertThat(r.match().group(1)).isEqualTo("cam-1");
    assertThat(r.match().group(2)).isEqualTo("20261206T100000000Z-000000000001");
    r.route().handler().handle(null);
    assertThat(called).containsExactly("review");
    assertThat(router().resolve("GET", "/").route().handler()).isNotNull();
    assertThat(router().resolve("GET", "/fleet").route().access()).isEqualTo(Access.VIEWER);
    assertThat(router().resolve("HEAD", "/login").route().method()).as("HEAD is answered as GET").isEqualTo("GET");
  }

  @Test
  void anUnknownPathIs404AndAKnownPathWithAnotherMethodIs405() {
    assertThatThrownBy(() -> router().resolve("GET", "/api/nothing")).isInstanceOfSatisfying(HttpError.class,
        e -> assertThat(e.status).isEqualTo(404)).hasMessage("nothing at /api/nothing");
    assertThatThrownBy(() -> router().resolve("DELETE", "/login")).isInstanceOfSatisfying(HttpError.class,
        e -> assertThat(e.status).isEqualTo(405)).hasMessage("DELETE is not allowed on /login");
    assertThatThrownBy(() -> router().resolve("GET", "/api/frames/cam-1/20261206T100000000Z-000000000001/review"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(405));
  }

  @Test
  void parametersThatAreNotIdsMatchNoRoute() {
    for (String path : List.of("/api/frames/../fieldcap.db", "/api/frames/cam-1/x", "/api/frames/a%2Fb/20261206T100000000Z-000000000001",
        "/api/frames/" + "d".repeat(65) + "/20261206T100000000Z-000000000001")) {
      assertThatThrownBy(() -> router().resolve("GET", path)).as(path).isInstanceOfSatisfying(HttpError.class,
          e -> assertThat(e.status).isEqualTo(404));
    }
  }
}
