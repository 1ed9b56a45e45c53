package io.fieldcap.spool;

/** Names of the spool's persistent counters. Rejections are stored as {@code rejected:<reason>}. */
public final class Counters {
  public static final String CAPTURED = "captured";
  public static final String EVICTED = "evicted";
  public static final String DROPPED = "dropped";
  public static final String FAILED = "failed";
  public static final String ACKED = "acked";
  public static final String QUARANTINED = "quarantined";
  /** Acks ignored because their signature or SHA-256 did not check out. */
  public static final String FORGED_ACKS = "forged-acks";
  public static final String REJECTED_PREFIX = "rejected:";

  private Counters() {}
}
