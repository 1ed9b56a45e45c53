package io.fieldcap.dataset.format;

import io.fieldcap.model.Detection;
import java.nio.file.Path;
import java.util.List;

/**
 * One image's labels as an annotation file gives them, converted to fieldcap's convention (pixels of
 * the image, boxes by top-left corner, width and height).
 *
 * @param file the annotation file, as the report names it
 * @param where the place in the file (a task, an image element), or null when the file is about one image
 * @param imageName the image's name as the file gives it (a file name, a path, a URL)
 * @param image the image file when the reader found it beside the annotations, else null
 * @param device the frame's device when the file carries fieldcap's metadata, else null
 * @param frameId the frame id when the file carries fieldcap's metadata, else null
 * @param width the image width the coordinates refer to, or 0 when the file does not say
 * @param height the image height the coordinates refer to, or 0 when the file does not say
 * @param labels the labels, scored 1 (a person's labels)
 * @param author who made them, when the file says, else null
 * @param errors what is wrong with this item; an item with errors is reported and not imported
 * @param reviewed whether a person reviewed these labels, when the file says (labelme's {@code reviewed}
 *     flag, a Label Studio annotation as against a prediction); null when it does not say
 */
public record Annotated(String file, String where, String imageName, Path image, String device, String frameId,
    int width, int height, List<Detection> labels, String author, List<String> errors, Boolean reviewed) {
  public Annotated {
    labels = List.copyOf(labels);
    errors = List.copyOf(errors);
  }

  /** An item whose file does not say whether a person reviewed it. */
  public Annotated(String file, String where, String imageName, Path image, String device, String frameId,
      int width, int height, List<Detection> labels, String author, List<String> errors) {
    this(file, where, imageName, image, device, frameId, width, height, labels, author, errors, null);
  }

  /** Where this item is, for a report line: {@code file} or {@code file (where)}. */
  public String place() {
    return where == null ? file : file + " (" + where + ")";
  }
}
