package org.robustify.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.bytedeco.javacpp.Loader;
import org.robustify.bindings.RobustifyNative;

/** Versions of everything that shapes a result, for `robustify info` and every provenance manifest. */
public final class Versions {
    private Versions() {}

    public static String robustify() {
        try (InputStream in = Versions.class.getResourceAsStream("/org/robustify/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The PyTorch preset version, e.g. 2.13.0-1.5.14 (libtorch 2.13.0). */
    public static String pytorchPreset() {
        return packageVersion(org.bytedeco.pytorch.Tensor.class);
    }

    public static String javacpp() {
        return packageVersion(Loader.class);
    }

    public static String openblasPreset() {
        return packageVersion(org.bytedeco.openblas.global.openblas_nolapack.class);
    }

    private static String packageVersion(Class<?> c) {
        Package p = c.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    public static Map<String, Object> all() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("robustify", robustify());
        v.put("native_core", RobustifyNative.rfy_version());
        v.put("native_build", RobustifyNative.rfy_build_info());
        v.put("pytorch_preset", pytorchPreset());
        v.put("javacpp", javacpp());
        v.put("openblas_preset", openblasPreset());
        v.put("java", System.getProperty("java.runtime.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return v;
    }
}
