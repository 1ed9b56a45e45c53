/**
 * The agent: its wiring and lifecycle ({@link io.fieldcap.agent.Agent}: source, capture loop, spool,
 * sync, updater, metrics, signals) and its pipeline of stages, each on its own thread with a short
 * bounded queue before it: prepare ({@link io.fieldcap.agent.Preparer}: quality measures and the
 * model's input), label ({@link io.fieldcap.agent.Labeler}: inference), then on the writer's thread
 * select ({@link io.fieldcap.agent.Selector}: capture now, near-duplicates, capture rules), redact
 * ({@link io.fieldcap.agent.Redaction}) and write ({@link io.fieldcap.agent.FrameEncoder}, then
 * {@code Spool.putAll} in group commits: {@link io.fieldcap.agent.SpoolWriter}). What each stage
 * decides lives in {@code select}, {@code privacy} and {@code inference}; here they are connected.
 */
package io.fieldcap.agent;
