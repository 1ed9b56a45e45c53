/**
 * {@code fieldcap demo}: an embedded MQTT 5 broker (HiveMQ CE), the server and an agent on a sample
 * clip, in one process. Only {@code fieldcap-server.jar} carries the broker.
 */
package io.fieldcap.demo;
