package io.identityaudit.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The physical limit the pipeline is measured against: every record of the input topic written unchanged (key,
 * value and timestamp as bytes) to an output topic. Run with the pipeline's own Streams properties (same guarantee,
 * threads and partitions), it costs exactly what Kafka Streams costs without any work of ours.
 */
public final class PassThroughTopology {

    private PassThroughTopology() {
    }

    public static Topology build(String inputTopic, String outputTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, inputTopic, outputTopic);
        return builder.build();
    }

    public static void addTo(StreamsBuilder builder, String inputTopic, String outputTopic) {
        builder.stream(inputTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-source"))
                .to(outputTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-sink"));
    }
}
