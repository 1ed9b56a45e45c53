package io.fieldcap.agent;

import io.fieldcap.config.CaptureConfig;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Frame;
import io.fieldcap.select.BestShots;
import io.fieldcap.select.DuplicateFilter;
import io.fieldcap.select.ManualCapture;
import io.fieldcap.select.Rules;
import io.fieldcap.select.ShotScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The select stage: decides whether a labeled frame is kept, and why. A "capture now" request keeps
 * the next frame whatever the rules say; otherwise near-duplicates of recently kept frames are
 * dropped, then the capture rules decide (with their budgets, which depend on how full the spool
 * is). A frame no rule keeps now may be held by a {@code best-shot} rule as the best view so far of
 * one of its tracks, and kept later, when the track ends ({@link BestShots}). Every rejection is
 * counted under its reason; nothing is encoded for a rejected frame.
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
  private final BestShots<Labeled> bestShots;

  Selector(ManualCapture manual, DuplicateFilter duplicates, Rules rules, Rejections rejections, DoubleSupplier spoolFill) {
    this.manual = manual;
    this.duplicates = duplicates;
    this.rules = rules;
    this.rejections = rejections;
    this.spoolFill = spoolFill;
    this.bestShots = new BestShots<>(rules.ofType(CaptureConfig.Type.BEST_SHOT), rules::trackFrames);
  }

  /** The frames kept now, with their rule and priority: this one, and any best shots that became due. */
  List<Kept> select(Labeled l) {
    List<Kept> out = new ArrayList<>(1);
    Kept now = decide(l);
    if (now != null) {
      out.add(now);
    }
    if (!bestShots.isEmpty()) {
      Instant at = l.frame().capturedAt();
      for (BestShots.Emit<Labeled> e : bestShots.ended(l.ended())) { // before the rules forget the tracks' lengths
        keepLater(e, at, out);
      }
      for (BestShots.Emit<Labeled> e : bestShots.due(at)) {
        keepLater(e, at, out);
      }
      for (Labeled gone : bestShots.released()) {
        rejections.rejected(gone.frame().sourceItem(), Rules.TRACKED);
      }
    }
    rules.ended(l.ended());
    return out;
  }

  /** The agent stops: the best shots held so far are kept (their tracks may go on, but the process does not). */
  List<Kept> drain() {
    List<Kept> out = new ArrayList<>();
    Instant now = Instant.now();
    for (BestShots.Emit<Labeled> e : bestShots.drain()) {
      keepLater(e, now, out);
    }
    for (Labeled gone : bestShots.released()) {
      rejections.rejected(gone.frame().sourceItem(), Rules.TRACKED);
    }
    return out;
  }

  /** Whether frames kept by {@code rule} start event clips. */
  boolean clips(String rule) {
    return rules.clips(rule);
  }

  /** Whether frames may be held past their own turn (best-shot rules keep the best of a track for later). */
  boolean holdsFrames() {
    return !bestShots.isEmpty();
  }

  /** Frames held by best-shot rules now. */
  int held() {
    return bestShots.held();
  }

  private Kept decide(Labeled l) {
    Frame f = l.frame();
    String manualRule = manual.take();
    Map<String, Integer> classes = DuplicateFilter.classes(l.labels());
    List<Detection> dets = l.labels() == null ? List.of() : l.labels().detections();
    rules.seen(l.labels());
    Rules.Verdict v;
    if (manualRule != null) {
      v = new Rules.Verdict(manualRule, ManualCapture.PRIORITY, null); // asked for: neither rules nor duplicates apply
      rules.kept(l.labels());
    } else {
      if (duplicates.isDuplicate(l.quality().hash(), classes, f.capturedAt())) {
        rejections.rejected(f.sourceItem(), DuplicateFilter.DUPLICATE);
        return null;
      }
      v = rules.decide(f.capturedAt(), l.labels(), l.quality().hash(), spoolFill.getAsDouble());
      if (!v.kept()) {
        boolean held = !bestShots.isEmpty() && bestShots.offer(l, f.seq(), f.capturedAt(), dets,
            d -> ShotScore.of(d.score(), d.box(), f.width(), f.height(), f.bgr()));
        if (!held) {
          rejections.rejected(f.sourceItem(), v.reason());
        }
        return null;
      }
    }
    duplicates.remember(l.quality().hash(), classes, f.capturedAt());
    return new Kept(f, l.labels(), v.rule(), v.priority(), false);
  }

  private void keepLater(BestShots.Emit<Labeled> e, Instant now, List<Kept> out) {
    Labeled l = e.item();
    Rules.Verdict v = rules.admit(e.rule().name(), now, spoolFill.getAsDouble());
    if (!v.kept()) {
      rejections.rejected(l.frame().sourceItem(), v.reason());
      return;
    }
    rules.kept(l.labels());
    duplicates.remember(l.quality().hash(), DuplicateFilter.classes(l.labels()), l.frame().capturedAt());
    out.add(new Kept(l.frame(), l.labels(), v.rule(), v.priority(), false));
  }

  /** Tells the rules' budgets that a frame they kept is stored, with its size. */
  void stored(String rule, Instant capturedAt, long bytes) {
    rules.stored(rule, capturedAt, bytes);
  }
}
