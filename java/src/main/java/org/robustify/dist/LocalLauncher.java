package org.robustify.dist;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.robustify.runtime.RobustifyException;

/**
 * {@code --nproc N}: runs the same command as N worker processes on this machine, like
 * {@code torchrun --standalone --nproc-per-node N}: each worker gets the torchrun variables (RANK, WORLD_SIZE,
 * LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT) and, unless threads were chosen, an equal
 * share of the cores. The first worker to fail ends the job: the others are stopped and the failure is reported
 * with its rank, so a dead worker never leaves the rest hanging.
 */
public final class LocalLauncher {
    public static final String MAIN_CLASS = "org.robustify.cli.RobustifyCli";
    /** How long the other workers may take to report their own error after the first one failed. */
    static final int GRACE_SECONDS = 5;

    private LocalLauncher() {}

    /** Whether this process should launch workers rather than work: asked for several and not itself a worker. */
    public static boolean shouldLaunch(int nproc, Map<String, String> env) {
        return nproc > 1 && (env.get("WORLD_SIZE") == null || env.get("WORLD_SIZE").isBlank());
    }

    /**
     * @param args the command line without {@code --nproc}
     * @param threadsChosen whether the user set the thread count (--threads or ROBUSTIFY_THREADS)
     * @return the job's exit code: 0 when every worker succeeded, else the first failure's
     */
    public static int run(int nproc, List<String> args, boolean threadsChosen) {
        if (nproc < 1) {
            throw new RobustifyException("--nproc must be >= 1; got " + nproc);
        }
        int port = freePort();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / nproc);
        System.err.printf(Locale.ROOT, "robustify: launching %d workers (rendezvous 127.0.0.1:%d%s)%n", nproc, port,
                threadsChosen ? "" : ", " + threads + " threads each");
        List<Process> workers = new ArrayList<>();
        Thread stopOnExit = new Thread(() -> stopAll(workers));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            for (int rank = 0; rank < nproc; rank++) {
                ProcessBuilder pb = new ProcessBuilder(workerCommand(args)).inheritIO();
                Map<String, String> env = pb.environment();
                env.put("RANK", Integer.toString(rank));
                env.put("LOCAL_RANK", Integer.toString(rank));
                env.put("WORLD_SIZE", Integer.toString(nproc));
                env.put("LOCAL_WORLD_SIZE", Integer.toString(nproc));
                env.put("MASTER_ADDR", "127.0.0.1");
                env.put("MASTER_PORT", Integer.toString(port));
                if (!threadsChosen) {
                    env.put("ROBUSTIFY_THREADS", Integer.toString(threads));
                }
                try {
                    workers.add(pb.start());
                } catch (IOException e) {
                    throw new RobustifyException("cannot start worker " + rank + ": " + e.getMessage(), e);
                }
            }
            return await(workers);
        } finally {
            stopAll(workers);
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /**
     * Waits for all workers; on the first failure stops the rest and reports the rank that failed first (the others
     * usually fail in turn, on the lost connection, and their errors say so).
     */
    private static int await(List<Process> workers) {
        AtomicLongArray exitNanos = new AtomicLongArray(workers.size());
        for (int rank = 0; rank < workers.size(); rank++) {
            int r = rank;
            workers.get(rank).onExit().thenRun(() -> exitNanos.compareAndSet(r, 0, System.nanoTime()));
        }
        while (true) {
            int alive = 0;
            int failed = -1;
            for (int rank = 0; rank < workers.size(); rank++) {
                Process p = workers.get(rank);
                if (p.isAlive()) {
                    alive++;
                } else if (p.exitValue() != 0) {
                    exitNanos.compareAndSet(rank, 0, System.nanoTime());
                    if (failed < 0 || exitNanos.get(rank) < exitNanos.get(failed)) {
                        failed = rank;
                    }
                }
            }
            if (failed >= 0) {
                awaitOthers(workers, GRACE_SECONDS);
                stopAll(workers);
                int code = workers.get(failed).exitValue();
                System.err.printf(Locale.ROOT, "robustify: error: worker rank %d of %d exited with code %d; "
                        + "stopped the other workers (see rank %d's error above)%n", failed, workers.size(), code,
                        failed);
                return code;
            }
            if (alive == 0) {
                return 0;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopAll(workers);
                return 130;
            }
        }
    }

    /** The others usually fail within a second of a peer's death; letting them print why helps the user. */
    private static void awaitOthers(List<Process> workers, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Process p : workers) {
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void stopAll(List<Process> workers) {
        for (Process p : workers) {
            p.destroy();
        }
        for (Process p : workers) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** This JVM's java binary, options and class path, running the CLI with {@code args}. */
    static List<String> workerCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-javaagent")) {
                cmd.add(option);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.addAll(args);
        return cmd;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new RobustifyException("cannot find a free port for the rendezvous: " + e.getMessage(), e);
        }
    }
}
