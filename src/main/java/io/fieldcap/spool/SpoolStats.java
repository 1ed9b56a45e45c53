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
 * @param failed frames whose files were lost or damaged and were quarantined
 * @param rejected frames dropped by filters, all reasons
 * @param rejectedBy rejected frames by reason
 * @param bytes bytes of images in the spool
 * @param maxBytes the quota
 */
public record SpoolStats(
    long captured, long pending, long inFlight, long acked, long evicted, long dropped, long failed,
    long rejected, Map<String, Long> rejectedBy, long bytes, long maxBytes) {}
