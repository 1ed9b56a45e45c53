package io.fieldcap.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's classes, as the editor offers them: name, colour ({@code #rrggbb}, or null for the
 * colour the app derives from the name) and order. An admin sets the list; until then it is every
 * class the labels hold (pre-labels and reviews), by name, so a new server works from its first frame.
 *
 * <pre>
 * classes(name PRIMARY KEY, colour, position)
 * </pre>
 */
public final class Classes {
  /** One class. */
  public record Clazz(String name, String colour) {}

  private final Sql sql;

  Classes(Sql sql) {
    this.sql = sql;
  }

  /** Whether an admin has set the list (else it is the labels' classes). */
  public boolean defined() throws IOException {
    return sql.first("cannot read the classes", "SELECT 1 FROM classes LIMIT 1", r -> true) != null;
  }

  /** The classes in order: the list set, else the labels' classes by name. */
  public List<Clazz> list() throws IOException {
    List<Clazz> set = sql.list("cannot read the classes", "SELECT name, colour FROM classes ORDER BY position",
        r -> new Clazz(r.getString(1), r.getString(2)));
    if (!set.isEmpty()) {
      return set;
    }
    return sql.list("cannot read the labels' classes", "SELECT DISTINCT class FROM frame_classes ORDER BY class",
        r -> new Clazz(r.getString(1), null));
  }

  /** Replaces the list with {@code classes}, in this order. */
  public void replace(List<Clazz> classes) throws IOException {
    sql.transaction("cannot set the classes", () -> {
      sql.update(null, "DELETE FROM classes");
      for (int i = 0; i < classes.size(); i++) {
        sql.update(null, "INSERT INTO classes(name, colour, position) VALUES (?, ?, ?)", classes.get(i).name(),
            classes.get(i).colour(), i);
      }
      return null;
    });
  }

  /** The names, for checking a save. */
  public List<String> names() throws IOException {
    List<String> out = new ArrayList<>();
    for (Clazz c : list()) {
      out.add(c.name());
    }
    return out;
  }
}
