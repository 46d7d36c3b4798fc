package io.identityaudit.topology;

/** Where an event was read, so every output record points back at its input. */
record InputPosition(String topic, int partition, long offset) {
}
