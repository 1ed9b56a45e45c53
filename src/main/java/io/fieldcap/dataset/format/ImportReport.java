package io.fieldcap.dataset.format;

import java.util.ArrayList;
import java.util.List;

/** What an import did, and every problem it found, each with the file, the place in it and the reason. */
public final class ImportReport {
  /** One thing that could not be imported. */
  public record Problem(String place, String reason) {
    @Override
    public String toString() {
      return place + ": " + reason;
    }
  }

  int files;
  int images;
  int revisions;
  int unchanged;
  int newFrames;
  int notReviewed;
  final List<Problem> problems = new ArrayList<>();

  /** Records a problem with a file or a place in it. */
  public void problem(String place, String reason) {
    problems.add(new Problem(place, reason));
  }

  /** An image whose labels no person reviewed: left with its pre-labels, no revision. */
  public void unreviewed() {
    notReviewed++;
  }

  void file() {
    files++;
  }

  /** An image whose labels were read without errors; {@code newFrame}: stored as a new frame of a source. */
  public void image(boolean newFrame) {
    images++;
    if (newFrame) {
      newFrames++;
    }
  }

  /** A frame's labels read: a new revision added ({@code changed}), or the same as already stored. */
  public void labels(boolean changed) {
    if (changed) {
      revisions++;
    } else {
      unchanged++;
    }
  }

  /** Annotation files read. */
  public int files() {
    return files;
  }

  /** Images whose labels were read without errors. */
  public int images() {
    return images;
  }

  /** Label revisions added. */
  public int revisions() {
    return revisions;
  }

  /** Images whose labels were already stored as they are (a re-import). */
  public int unchanged() {
    return unchanged;
  }

  /** Images stored as new frames of a source. */
  public int newFrames() {
    return newFrames;
  }

  /**
   * Tasks or images the file holds no review for: a Label Studio task nobody annotated, a labelme file
   * left unticked, or one whose labels are the pre-labels as exported, untouched.
   */
  public int notReviewed() {
    return notReviewed;
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }
}
