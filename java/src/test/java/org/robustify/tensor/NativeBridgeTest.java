package org.robustify.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.robustify.bindings.RobustifyNative;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.NativeRuntime;

class NativeBridgeTest {
    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void javaConstantsMatchTheNativeAbi() {
        try (IntPointer major = new IntPointer(1); IntPointer minor = new IntPointer(1)) {
            RobustifyNative.rfy_abi_version(major, minor);
            assertEquals(RobustifyNative.RFY_ABI_VERSION_MAJOR, major.get());
        }
        assertEquals("RFY_ERR_INVALID_ARGUMENT", RobustifyNative.rfy_status_name(RobustifyNative.RFY_ERR_INVALID_ARGUMENT));
        assertEquals("RFY_ERR_NO_CUDA", RobustifyNative.rfy_status_name(RobustifyNative.RFY_ERR_NO_CUDA));
        assertTrue(RobustifyNative.rfy_build_info().contains("robustify"));
    }

    @Test
    void nativeErrorsBecomeExceptionsWithTheNativeMessage() {
        try (FloatPointer m = new FloatPointer(0f); FloatPointer s = new FloatPointer(1f)) {
            int status = RobustifyNative.rfy_normalize_images(null, null, m, s, RobustifyNative.RFY_PATH_FAST, null);
            NativeException e = assertThrows(NativeException.class, () -> NativeException.check(status));
            assertEquals(RobustifyNative.RFY_ERR_INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("rfy_normalize_images: src is NULL"), e.getMessage());
        }
    }

    @Test
    void threadCountReachesTheNativePool() {
        NativeRuntime.init(1);
        assertEquals(1, RobustifyNative.rfy_get_num_threads());
        NativeRuntime.init(2);
        assertEquals(2, RobustifyNative.rfy_get_num_threads());
    }

    @Test
    void noGpuMeansNoBackendLoaded() {
        if (NativeRuntime.cudaDeviceCount() == 0) {
            assertFalse(NativeRuntime.cudaBackendLoaded());
            assertEquals(0, RobustifyNative.rfy_cuda_backend_loaded());
        }
    }
}
