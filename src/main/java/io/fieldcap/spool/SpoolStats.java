package io.fieldcap.spool;

import java.util.Map;

/**
 * The spool's counts, as {@code fieldcap spool stats --json} prints them.
 *
 * @param captured frames taken from the source after the rate cap (for a folder: files taken)
 * @param pending frames waiting to be sent
 * @param inFlight frames being sent, not yet acknowledged by the server
 * @param acked frames the server acknowledged as stored (all time)
 * @param evicted frames dropped to respect {@code spool.max-bytes} or the free-disk reserve
 * @param dropped frames dropped because the spool writer fell behind capture
 * @param failed accepted frames whose images were lost or damaged on the device (moved to {@code failed/}
 *     when there was an image) or that the server refused for good
 * @param quarantined images found at start-up without a row, moved to {@code quarantine/}: a crash
 *     came after the image was written and before its row was committed (the frame was never
 *     accepted; a folder's file is taken again) or after the server's ack was committed and before
 *     the image was deleted (the server has it). Not part of the frame accounting
 * @param forgedAcks acks ignored because they were not signed by the pinned server key or named
 *     another image's SHA-256; nothing was deleted for them. Not part of the frame accounting
 * @param rejected frames dropped by filters, all reasons
 * @param rejectedBy rejected frames by reason
 * @param bytes bytes of images in the spool
 * @param maxBytes the quota
 */
public record SpoolStats(
    long captured, long pending, long inFlight, long acked, long evicted, long dropped, long failed,
    long quarantined, long forgedAcks, long rejected, Map<String, Long> rejectedBy, long bytes, long maxBytes) {}
