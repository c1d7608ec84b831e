package org.robustify.runtime;

import org.robustify.bindings.RobustifyNative;

/**
 * NVTX ranges for training phases, so nsys timelines show data loading, forward/backward and evaluation beside the
 * kernels. Free when no profiler is attached; no-ops in builds without NVTX.
 */
public final class Profiling {
    private Profiling() {}

    /** Use with try-with-resources: {@code try (var r = Profiling.range("train/step")) { ... }}. */
    public static Range range(String name) {
        RobustifyNative.rfy_range_push(name);
        return RANGE;
    }

    private static final Range RANGE = new Range();

    public static final class Range implements AutoCloseable {
        private Range() {}

        @Override
        public void close() {
            RobustifyNative.rfy_range_pop();
        }
    }
}
