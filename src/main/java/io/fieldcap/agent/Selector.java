package io.fieldcap.agent;

import io.fieldcap.model.Frame;
import io.fieldcap.select.DuplicateFilter;
import io.fieldcap.select.ManualCapture;
import io.fieldcap.select.Rules;
import java.time.Instant;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The select stage: decides whether a labeled frame is kept, and why. A "capture now" request keeps
 * the next frame whatever the rules say; otherwise near-duplicates of recently kept frames are
 * dropped, then the capture rules decide (with their budgets, which depend on how full the spool
 * is). Every rejection is counted under its reason; nothing is encoded for a rejected frame.
 */
final class Selector {
  /** Where rejections are counted: the spool's counters, and its ledger of taken source files. */
  interface Rejections {
    void rejected(String sourceItem, String reason);
  }

  private final ManualCapture manual;
  private final DuplicateFilter duplicates;
  private final Rules rules;
  private final Rejections rejections;
  private final DoubleSupplier spoolFill;

  Selector(ManualCapture manual, DuplicateFilter duplicates, Rules rules, Rejections rejections, DoubleSupplier spoolFill) {
    this.manual = manual;
    this.duplicates = duplicates;
    this.rules = rules;
    this.rejections = rejections;
    this.spoolFill = spoolFill;
  }

  /** The frame kept with its rule and priority, or null when it was rejected (and counted). */
  Kept select(Labeled l) {
    Frame f = l.frame();
    String manualRule = manual.take();
    Map<String, Integer> classes = DuplicateFilter.classes(l.labels());
    Rules.Verdict v;
    if (manualRule != null) {
      v = new Rules.Verdict(manualRule, ManualCapture.PRIORITY, null); // asked for: neither rules nor duplicates apply
    } else {
      if (duplicates.isDuplicate(l.quality().hash(), classes, f.capturedAt())) {
        rejections.rejected(f.sourceItem(), DuplicateFilter.DUPLICATE);
        return null;
      }
      v = rules.decide(f.capturedAt(), l.labels(), l.quality().hash(), spoolFill.getAsDouble());
      if (!v.kept()) {
        rejections.rejected(f.sourceItem(), v.reason());
        return null;
      }
    }
    duplicates.remember(l.quality().hash(), classes, f.capturedAt());
    return new Kept(f, l.labels(), v.rule(), v.priority(), false);
  }

  /** Tells the rules' budgets that a frame they kept is stored, with its size. */
  void stored(String rule, Instant capturedAt, long bytes) {
    rules.stored(rule, capturedAt, bytes);
  }
}
