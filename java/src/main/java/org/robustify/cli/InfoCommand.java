package org.robustify.cli;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.robustify.bindings.RobustifyNative;
import org.robustify.data.FashionMnist;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Versions;
import org.robustify.util.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print versions, threads, native build flags, CUDA availability and data location.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        NativeRuntime.init(threads.resolve());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("versions", Versions.all());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("cores", Runtime.getRuntime().availableProcessors());
        t.put("torch_threads", torch.get_num_threads());
        t.put("native_threads", RobustifyNative.rfy_get_num_threads());
        t.put("openblas_threads", org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads());
        info.put("threads", t);
        Map<String, Object> cuda = new LinkedHashMap<>();
        cuda.put("driver_devices", NativeRuntime.cudaDeviceCount());
        cuda.put("backend_in_build", RobustifyNative.class.getResource(
                "/org/robustify/bindings/" + Loader.getPlatform() + "/librobustify_cuda.so") != null);
        cuda.put("backend_loaded", NativeRuntime.cudaBackendLoaded());
        cuda.put("libtorch_cuda", torch.cuda_is_available());
        cuda.put("nvtx", RobustifyNative.rfy_nvtx_enabled() == 1);
        info.put("cuda", cuda);
        Map<String, Object> data = new LinkedHashMap<>();
        var dir = FashionMnist.resolveDir(null);
        data.put("fashion_mnist_dir", dir.toString());
        data.put("fashion_mnist_present", Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")));
        info.put("data", data);
        if (json) {
            System.out.println(Json.pretty(info));
        } else {
            print(info, "");
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> map, String indent) {
        for (var e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                System.out.println(indent + e.getKey() + ":");
                print((Map<String, Object>) m, indent + "  ");
            } else {
                System.out.println(indent + e.getKey() + ": " + e.getValue());
            }
        }
    }
}
