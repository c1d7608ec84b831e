package org.robustify.runtime;

import java.io.File;
import java.io.IOException;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.robustify.bindings.RobustifyNative;

/**
 * Process-wide start-up of the native stack, done once before any training: thread counts for libtorch, OpenBLAS
 * and the Robustify core, and the CUDA backend when (and only when) a GPU driver reports a device.
 */
public final class NativeRuntime {
    private static boolean initialised;
    private static int threads;
    private static boolean cudaBackend;

    private NativeRuntime() {}

    /** Default thread count: ROBUSTIFY_THREADS if set, else the number of cores. */
    public static int defaultThreads() {
        String env = System.getenv("ROBUSTIFY_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new RobustifyException("ROBUSTIFY_THREADS must be a positive integer; got '" + env + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static synchronized void init() {
        init(defaultThreads());
    }

    /**
     * Sets OpenBLAS's thread count for a model. A libtorch matmul is one BLAS call that libtorch does not split over
     * its own threads, so one BLAS thread leaves the other cores idle while a transformer's Linear layers run; conv
     * nets spend their time in libtorch's own parallel kernels, where extra BLAS threads only compete (measured,
     * 2 threads, batch 64: vit_tiny step 1922 -> 1309 ms with 2 BLAS threads; cnn-small 32 -> 45 ms, resnet18 no
     * gain). So: ViTs get as many BLAS threads as libtorch has, everything else one. ROBUSTIFY_BLAS_THREADS
     * overrides both.
     */
    public static synchronized void useBlasThreadsFor(String architecture) {
        ensure();
        int n = blasThreadsOverride().orElse(architecture != null && architecture.startsWith("vit_") ? threads : 1);
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(n);
    }

    private static java.util.OptionalInt blasThreadsOverride() {
        String v = System.getenv("ROBUSTIFY_BLAS_THREADS");
        if (v == null || v.isBlank()) {
            return java.util.OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return java.util.OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RobustifyException("ROBUSTIFY_BLAS_THREADS must be an integer >= 1; got '" + v + "'");
    }

    /** Idempotent; a later call with a different count only changes the thread counts. */
    public static synchronized void init(int requestedThreads) {
        if (requestedThreads < 1) {
            throw new RobustifyException("--threads must be >= 1; got " + requestedThreads);
        }
        if (!initialised) {
            // OpenBLAS starts its own threads, which torch.set_num_threads does not reach; beside libtorch's OpenMP
            // threads they oversubscribe the cores (measured 145 -> 54 ms per step at batch 256). One BLAS thread by
            // default; matmul-bound models raise it with useBlasThreadsFor.
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(blasThreadsOverride().orElse(1));
            Loader.load(RobustifyNative.class);
            if (!"0".equals(System.getenv("ROBUSTIFY_MALLOC_TUNING"))) {
                // Keeps activation buffers on the heap between steps; with MALLOC_ARENA_MAX=1 (set by bin/robustify
                // before the JVM starts) 45-90 -> 25 ms per step measured. See rfy_tune_host_allocator.
                // ROBUSTIFY_MALLOC_TUNING=0 opts out.
                int status = RobustifyNative.rfy_tune_host_allocator();
                if (status != RobustifyNative.RFY_OK && status != RobustifyNative.RFY_ERR_UNSUPPORTED) {
                    NativeException.check(status);
                }
            }
            if (System.getenv("MALLOC_ARENA_MAX") == null && !"0".equals(System.getenv("ROBUSTIFY_MALLOC_TUNING"))) {
                System.err.println("robustify: MALLOC_ARENA_MAX is not set; training steps may run 2-3x slower "
                        + "(page faults in glibc's per-thread arenas). Start the JVM with MALLOC_ARENA_MAX=1, as "
                        + "bin/robustify does.");
            }
            if (org.bytedeco.javacpp.Pointer.maxPhysicalBytes() > 0) {
                // JavaCPP then reads the resident size at every native allocation (each Tensor or descriptor object).
                System.err.println("robustify: JavaCPP's maxPhysicalBytes is on, so every native allocation costs 2-4 "
                        + "us more (a small fused-loss call: 100 us instead of 34). Start the JVM with "
                        + "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0, as bin/robustify does.");
            }
            cudaBackend = loadCudaBackendIfGpu();
            // NNPACK cannot run on CPUs without its instruction set and says so on stderr at every small-batch
            // convolution it is offered; libtorch's own convolution handles those batches.
            torch.globalContext().setUserEnabledNNPACK(false);
            initialised = true;
        }
        torch.set_num_threads(requestedThreads);
        NativeException.check(RobustifyNative.rfy_set_num_threads(requestedThreads));
        threads = requestedThreads;
    }

    public static synchronized int threads() {
        ensure();
        return threads;
    }

    public static synchronized boolean cudaBackendLoaded() {
        ensure();
        return cudaBackend;
    }

    /** Devices the driver reports (0 without a driver); never loads CUDA runtime classes. */
    public static int cudaDeviceCount() {
        Loader.load(RobustifyNative.class);
        try (IntPointer count = new IntPointer(1)) {
            NativeException.check(RobustifyNative.rfy_cuda_device_count(count));
            return count.get();
        }
    }

    private static void ensure() {
        if (!initialised) {
            init();
        }
    }

    private static boolean loadCudaBackendIfGpu() {
        if (cudaDeviceCount() == 0) {
            return false;
        }
        String resource = "/org/robustify/bindings/" + Loader.getPlatform() + "/librobustify_cuda.so";
        if (RobustifyNative.class.getResource(resource) == null) {
            System.err.println("robustify: a GPU is present but this build has no CUDA backend (built without nvcc)");
            return false;
        }
        try {
            File file = Loader.cacheResource(RobustifyNative.class, resource);
            NativeException.check(RobustifyNative.rfy_cuda_backend_load(file.getAbsolutePath()));
            return true;
        } catch (IOException e) {
            throw new RobustifyException("could not extract the CUDA backend: " + e.getMessage(), e);
        }
    }
}
