package org.robustify.dist;

import java.util.Map;

import org.robustify.runtime.RobustifyException;

/**
 * Where this process sits in a data-parallel job, read from the torchrun conventions ({@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}) so the usual launchers (torchrun,
 * Slurm scripts, Kubernetes operators) start Robustify workers unchanged. {@code ROBUSTIFY_DIST_TIMEOUT} (seconds)
 * bounds the rendezvous and every collective: a peer that died or never came ends the job with an error, never a hang.
 */
public record DistEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort, int timeoutSeconds) {
    public static final int DEFAULT_TIMEOUT_SECONDS = 300;

    public DistEnv {
        if (worldSize < 1) {
            throw new RobustifyException("WORLD_SIZE must be >= 1; got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new RobustifyException("RANK must be in 0.." + (worldSize - 1) + " for WORLD_SIZE " + worldSize
                    + "; got " + rank);
        }
        if (localRank < 0) {
            throw new RobustifyException("LOCAL_RANK must be >= 0; got " + localRank);
        }
        if (worldSize > 1 && (masterAddr == null || masterAddr.isBlank())) {
            throw new RobustifyException("MASTER_ADDR is not set: a job with WORLD_SIZE " + worldSize
                    + " needs the address of rank 0");
        }
        if (worldSize > 1 && (masterPort < 1 || masterPort > 65535)) {
            throw new RobustifyException("MASTER_PORT must be a TCP port (1..65535); got " + masterPort);
        }
        if (timeoutSeconds < 1) {
            throw new RobustifyException("ROBUSTIFY_DIST_TIMEOUT must be >= 1 second; got " + timeoutSeconds);
        }
    }

    /** One process, no communication. */
    public static DistEnv single() {
        return new DistEnv(0, 1, 0, null, 0, DEFAULT_TIMEOUT_SECONDS);
    }

    public static DistEnv fromEnvironment() {
        return from(System.getenv());
    }

    /** A job is distributed when WORLD_SIZE is set; RANK is then required (a silent default would duplicate rank 0). */
    public static DistEnv from(Map<String, String> env) {
        String world = env.get("WORLD_SIZE");
        if (world == null || world.isBlank()) {
            if (env.get("RANK") != null && !env.get("RANK").isBlank()) {
                throw new RobustifyException("RANK is set (" + env.get("RANK") + ") but WORLD_SIZE is not");
            }
            return single();
        }
        int worldSize = integer(env, "WORLD_SIZE", null);
        int rank = integer(env, "RANK", worldSize == 1 ? 0 : null);
        int localRank = integer(env, "LOCAL_RANK", rank);
        int port = integer(env, "MASTER_PORT", worldSize == 1 ? 0 : null);
        int timeout = integer(env, "ROBUSTIFY_DIST_TIMEOUT", DEFAULT_TIMEOUT_SECONDS);
        return new DistEnv(rank, worldSize, localRank, env.get("MASTER_ADDR"), port, timeout);
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    /** Rank 0 writes checkpoints, logs and results; the others only compute. */
    public boolean writes() {
        return rank == 0;
    }

    private static int integer(Map<String, String> env, String name, Integer fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new RobustifyException(name + " is not set (needed when WORLD_SIZE is "
                        + env.get("WORLD_SIZE") + ")");
            }
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RobustifyException(name + " must be an integer; got '" + v + "'");
        }
    }
}
