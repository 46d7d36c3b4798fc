package io.identityaudit.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run opened (orgs, broker, clients, pipelines), closed in reverse order at the end, so that what depends
 * on another closes first (the pipeline commits before the broker goes away). A close that fails is logged and the
 * rest still close.
 */
public final class OpenedResources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenedResources.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Remembers {@code resource} for {@link #close()} and returns it. */
    public <T extends AutoCloseable> T open(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
