package org.robustify.tensor;

/** Memory layout of a 4-D image batch. */
public enum ImageLayout {
    /** (N, C, H, W): libtorch's convolution layout. */
    NCHW,
    /** (N, H, W, C): how images are decoded and stored on disk. */
    NHWC
}
