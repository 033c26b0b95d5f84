package org.vvmhost.services.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * What a container runs: the function registered under {@code image}, its restart policy, the capacity of its
 * mailbox, and free-form settings the function reads through {@link ContainerContext#config()}.
 */
public record ContainerSpec(String image, RestartPolicy restartPolicy, int mailboxCapacity, Map<String, String> config) {

    public static final int DEFAULT_MAILBOX_CAPACITY = 1024;

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(restartPolicy, "restartPolicy");
        config = Map.copyOf(Objects.requireNonNull(config, "config"));
        if (mailboxCapacity < 1) {
            throw new IllegalArgumentException("mailboxCapacity must be at least 1, not " + mailboxCapacity);
        }
    }

    public static ContainerSpec of(String image) {
        return new ContainerSpec(image, RestartPolicy.ALWAYS, DEFAULT_MAILBOX_CAPACITY, Map.of());
    }

    public ContainerSpec withRestartPolicy(RestartPolicy policy) {
        return new ContainerSpec(image, policy, mailboxCapacity, config);
    }

    public ContainerSpec withMailboxCapacity(int capacity) {
        return new ContainerSpec(image, restartPolicy, capacity, config);
    }

    public ContainerSpec withConfig(Map<String, String> settings) {
        return new ContainerSpec(image, restartPolicy, mailboxCapacity, settings);
    }
}
