"""Python peer of `benchmarks/run corruptions`: the published ImageNet-C corruptions, single-threaded.

The functions re-type hendrycks/robustness ImageNet-C/create_c/make_imagenet_c.py (224, "IN" constants) and
make_cifar_c.py (32, "C10" constants) for NumPy 2 / scikit-image 0.26 (channel_axis for multichannel, no np.float_,
scipy.ndimage.map_coordinates). Changes, all forced by the environment:
  * motion_blur and snow: ImageMagick (Wand) is not available, so the motion blur is the NumPy algorithm of
    bethgelab/imagecorruptions (one-sided Gaussian line kernel, shifted copies with edge replication).
  * frost: the textures come from --frost-dir (decoded once; the reference re-reads the file per image, which
    would time disk I/O, not the corruption), else a fixed random texture of a similar size.
  * Where the reference hard-codes 224 or 32 (glass_blur loop, fog/frost crop, snow reshape, pixelate) the real
    H x W is used, as imagecorruptions does, so 28 x 28 runs with the C10 constants.
Inputs go in as PIL images and come out through np.uint8, as the reference's data loader does. Severity 3.

Prints one JSON object: {"rows": [{"corruption", "size", "ref_img_s", "images"}], "versions": {...}, ...}.
"""
import os

# One thread everywhere, before NumPy / OpenCV load their pools: the peer is the single-core reference.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import cv2  # noqa: E402

cv2.setNumThreads(1)

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import PIL  # noqa: E402
import scipy  # noqa: E402
import skimage as sk  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from scipy.ndimage import map_coordinates  # noqa: E402
from scipy.ndimage import zoom as scizoom  # noqa: E402
from skimage.filters import gaussian  # noqa: E402

warnings.simplefilter("ignore", UserWarning)  # as the reference

FMNIST = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
SEVERITY = 3
ALL = ["gaussian_noise", "shot_noise", "impulse_noise", "defocus_blur", "glass_blur", "motion_blur", "zoom_blur",
       "snow", "frost", "fog", "brightness", "contrast", "elastic_transform", "pixelate", "jpeg_compression",
       "speckle_noise", "gaussian_blur", "spatter", "saturate"]

# Severity 1..5 constants: "in" from make_imagenet_c.py, "c10" from make_cifar_c.py.
C = {
    "gaussian_noise": {"in": [.08, .12, .18, .26, .38], "c10": [.04, .06, .08, .09, .10]},
    "shot_noise": {"in": [60, 25, 12, 5, 3], "c10": [500, 250, 100, 75, 50]},
    "impulse_noise": {"in": [.03, .06, .09, .17, .27], "c10": [.01, .02, .03, .05, .07]},
    "speckle_noise": {"in": [.15, .2, .35, .45, .6], "c10": [.06, .1, .12, .16, .2]},
    "gaussian_blur": {"in": [1, 2, 3, 4, 6], "c10": [.4, .6, .7, .8, 1]},
    "glass_blur": {"in": [(.7, 1, 2), (.9, 2, 1), (1, 2, 3), (1.1, 3, 2), (1.5, 4, 2)],
                   "c10": [(.05, 1, 1), (.25, 1, 1), (.4, 1, 1), (.25, 1, 2), (.4, 1, 2)]},
    "defocus_blur": {"in": [(3, .1), (4, .5), (6, .5), (8, .5), (10, .5)],
                     "c10": [(.3, .4), (.4, .5), (.5, .6), (1, .2), (1.5, .1)]},
    "motion_blur": {"in": [(10, 3), (15, 5), (15, 8), (15, 12), (20, 15)],
                    "c10": [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)]},
    "zoom_blur": {"in": [(1, 1.11, .01), (1, 1.16, .01), (1, 1.21, .02), (1, 1.26, .02), (1, 1.31, .03)],
                  "c10": [(1, 1.06, .01), (1, 1.11, .01), (1, 1.16, .01), (1, 1.21, .01), (1, 1.26, .01)]},
    "fog": {"in": [(1.5, 2), (2, 2), (2.5, 1.7), (2.5, 1.5), (3, 1.4)],
            "c10": [(.2, 3), (.5, 3), (.75, 2.5), (1, 2), (1.5, 1.75)]},
    "frost": {"in": [(1, .4), (.8, .6), (.7, .7), (.65, .7), (.6, .75)],
              "c10": [(1, .2), (1, .3), (.9, .4), (.85, .4), (.75, .45)]},
    "snow": {"in": [(.1, .3, 3, .5, 10, 4, .8), (.2, .3, 2, .5, 12, 4, .7), (.55, .3, 4, .9, 12, 8, .7),
                    (.55, .3, 4.5, .85, 12, 8, .65), (.55, .3, 2.5, .85, 12, 12, .55)],
             "c10": [(.1, .2, 1, .6, 8, 3, .95), (.1, .2, 1, .5, 10, 4, .9), (.15, .3, 1.75, .55, 10, 4, .9),
                     (.25, .3, 2.25, .6, 12, 6, .85), (.3, .3, 1.25, .65, 14, 12, .8)]},
    "spatter": {"in": [(.65, .3, 4, .69, .6, 0), (.65, .3, 3, .68, .6, 0), (.65, .3, 2, .68, .5, 0),
                       (.65, .3, 1, .65, 1.5, 1), (.67, .4, 1, .65, 1.5, 1)],
                "c10": [(.62, .1, .7, .7, .5, 0), (.65, .1, .8, .7, .5, 0), (.65, .3, 1, .69, .5, 0),
                        (.65, .1, .7, .69, .6, 1), (.65, .1, .5, .68, .6, 1)]},
    "contrast": {"in": [.4, .3, .2, .1, .05], "c10": [.75, .5, .4, .3, .15]},
    "brightness": {"in": [.1, .2, .3, .4, .5], "c10": [.05, .1, .15, .2, .3]},
    "saturate": {"in": [(.3, 0), (.1, 0), (2, 0), (5, .1), (20, .2)],
                 "c10": [(.3, 0), (.1, 0), (1.5, 0), (2, .1), (2.5, .2)]},
    "jpeg_compression": {"in": [25, 18, 15, 10, 7], "c10": [80, 65, 58, 50, 40]},
    "pixelate": {"in": [.6, .5, .4, .3, .25], "c10": [.95, .9, .85, .75, .65]},
    # 244 (not 224) is the reference's own constant; C10 is x32.
    "elastic_transform": {"in": [(244 * 2, 244 * .7, 244 * .1), (244 * 2, 244 * .08, 244 * .2),
                                 (244 * .05, 244 * .01, 244 * .02), (244 * .07, 244 * .01, 244 * .02),
                                 (244 * .12, 244 * .01, 244 * .02)],
                          "c10": [(0, 0, 32 * .08), (32 * .05, 32 * .2, 32 * .07), (32 * .08, 32 * .06, 32 * .06),
                                  (32 * .1, 32 * .04, 32 * .05), (32 * .1, 32 * .03, 32 * .03)]},
}


# --- helpers (as published) ---------------------------------------------------------------------------------------

def disk(radius, alias_blur=0.1, dtype=np.float32):
    if radius <= 8:
        L, ksize = np.arange(-8, 8 + 1), (3, 3)
    else:
        L, ksize = np.arange(-radius, radius + 1), (5, 5)
    X, Y = np.meshgrid(L, L)
    aliased_disk = np.array((X ** 2 + Y ** 2) <= radius ** 2, dtype=dtype)
    aliased_disk /= np.sum(aliased_disk)
    return cv2.GaussianBlur(aliased_disk, ksize=ksize, sigmaX=alias_blur)


def plasma_fractal(mapsize, wibbledecay):
    """Diamond-square height map in [0, 1] (the reference's, np.float_ -> np.float64)."""
    assert mapsize & (mapsize - 1) == 0
    maparray = np.empty((mapsize, mapsize), dtype=np.float64)
    maparray[0, 0] = 0
    stepsize = mapsize
    wibble = 100

    def wibbledmean(array):
        return array / 4 + wibble * np.random.uniform(-wibble, wibble, array.shape)

    def fillsquares():
        cornerref = maparray[0:mapsize:stepsize, 0:mapsize:stepsize]
        squareaccum = cornerref + np.roll(cornerref, shift=-1, axis=0)
        squareaccum += np.roll(squareaccum, shift=-1, axis=1)
        maparray[stepsize // 2:mapsize:stepsize, stepsize // 2:mapsize:stepsize] = wibbledmean(squareaccum)

    def filldiamonds():
        drgrid = maparray[stepsize // 2:mapsize:stepsize, stepsize // 2:mapsize:stepsize]
        ulgrid = maparray[0:mapsize:stepsize, 0:mapsize:stepsize]
        ltsum = drgrid + np.roll(drgrid, 1, axis=0) + (ulgrid + np.roll(ulgrid, -1, axis=1))
        maparray[0:mapsize:stepsize, stepsize // 2:mapsize:stepsize] = wibbledmean(ltsum)
        ttsum = drgrid + np.roll(drgrid, 1, axis=1) + (ulgrid + np.roll(ulgrid, -1, axis=0))
        maparray[stepsize // 2:mapsize:stepsize, 0:mapsize:stepsize] = wibbledmean(ttsum)

    while stepsize >= 2:
        fillsquares()
        filldiamonds()
        stepsize //= 2
        wibble /= wibbledecay

    maparray -= maparray.min()
    return maparray / maparray.max()


def clipped_zoom(img, zoom_factor):
    h = img.shape[0]  # square images, as the reference assumes
    ch = int(np.ceil(h / zoom_factor))
    top = (h - ch) // 2
    img = scizoom(img[top:top + ch, top:top + ch], (zoom_factor, zoom_factor, 1), order=1)
    trim_top = (img.shape[0] - h) // 2
    return img[trim_top:trim_top + h, trim_top:trim_top + h]


# imagecorruptions' NumPy stand-in for ImageMagick's MagickMotionBlurImage (Wand is not available here).
def _motion_kernel(width, sigma):
    k = np.exp(-np.arange(width) ** 2 / (2 * sigma ** 2)) / (np.sqrt(2 * np.pi) * sigma)
    return k / np.sum(k)


def _shift(image, dx, dy):
    """Shift by (dx, dy) pixels, replicating the edge row / column into the vacated band."""
    if dx < 0:
        shifted = np.roll(image, shift=image.shape[1] + dx, axis=1)
        shifted[:, dx:] = shifted[:, dx - 1:dx]
    elif dx > 0:
        shifted = np.roll(image, shift=dx, axis=1)
        shifted[:, :dx] = shifted[:, dx:dx + 1]
    else:
        shifted = image
    if dy < 0:
        shifted = np.roll(shifted, shift=image.shape[0] + dy, axis=0)
        shifted[dy:, :] = shifted[dy - 1:dy, :]
    elif dy > 0:
        shifted = np.roll(shifted, shift=dy, axis=0)
        shifted[:dy, :] = shifted[dy:dy + 1, :]
    return shifted


def _motion_blur(x, radius, sigma, angle):
    width = radius * 2 + 1
    kernel = _motion_kernel(width, sigma)
    point = (width * np.sin(np.deg2rad(angle)), width * np.cos(np.deg2rad(angle)))
    hypot = math.hypot(point[0], point[1])
    blurred = np.zeros_like(x, dtype=np.float32)
    for i in range(width):
        dy = -math.ceil(((i * point[0]) / hypot) - 0.5)
        dx = -math.ceil(((i * point[1]) / hypot) - 0.5)
        if abs(dy) >= x.shape[0] or abs(dx) >= x.shape[1]:
            break  # the motion left the image
        blurred = blurred + kernel[i] * _shift(x, dx, dy)
    return blurred


# --- corruptions: f(PIL RGB image, constants) -> array on the 0..255 scale ---------------------------------------

def gaussian_noise(x, c):
    x = np.array(x) / 255.
    return np.clip(x + np.random.normal(size=x.shape, scale=c), 0, 1) * 255


def shot_noise(x, c):
    x = np.array(x) / 255.
    return np.clip(np.random.poisson(x * c) / c, 0, 1) * 255


def impulse_noise(x, c):
    x = sk.util.random_noise(np.array(x) / 255., mode="s&p", amount=c)
    return np.clip(x, 0, 1) * 255


def speckle_noise(x, c):
    x = np.array(x) / 255.
    return np.clip(x + x * np.random.normal(size=x.shape, scale=c), 0, 1) * 255


def gaussian_blur(x, c):
    x = gaussian(np.array(x) / 255., sigma=c, channel_axis=-1)
    return np.clip(x, 0, 1) * 255


def glass_blur(x, c):
    sigma, delta, iters = c
    x = np.uint8(gaussian(np.array(x) / 255., sigma=sigma, channel_axis=-1) * 255)
    h_size, w_size = x.shape[:2]
    # locally shuffle pixels: the published sequential double loop. The tuple "swap" of two row views copies the
    # neighbour into (h, w) and leaves the neighbour as it was; kept as published.
    for _ in range(iters):
        for h in range(h_size - delta, delta, -1):
            for w in range(w_size - delta, delta, -1):
                dx, dy = np.random.randint(-delta, delta, size=(2,))
                h_prime, w_prime = h + dy, w + dx
                x[h, w], x[h_prime, w_prime] = x[h_prime, w_prime], x[h, w]
    return np.clip(gaussian(x / 255., sigma=sigma, channel_axis=-1), 0, 1) * 255


def defocus_blur(x, c):
    x = np.array(x) / 255.
    kernel = disk(radius=c[0], alias_blur=c[1])
    channels = [cv2.filter2D(x[:, :, d], -1, kernel) for d in range(3)]
    return np.clip(np.array(channels).transpose((1, 2, 0)), 0, 1) * 255


def motion_blur(x, c):
    # The reference round-trips through PNG and Wand; here the NumPy blur works on the array directly.
    x = _motion_blur(np.array(x), radius=c[0], sigma=c[1], angle=np.random.uniform(-45, 45))
    return np.clip(x, 0, 255)


def zoom_blur(x, c):
    zooms = np.arange(*c)
    x = (np.array(x) / 255.).astype(np.float32)
    out = np.zeros_like(x)
    for zoom_factor in zooms:
        out += clipped_zoom(x, zoom_factor)
    x = (x + out) / (len(zooms) + 1)
    return np.clip(x, 0, 1) * 255


def fog(x, c, mapsize):
    x = np.array(x) / 255.
    h, w = x.shape[:2]
    max_val = x.max()
    x += c[0] * plasma_fractal(mapsize, wibbledecay=c[1])[:h, :w][..., np.newaxis]
    return np.clip(x * max_val / (max_val + c[0]), 0, 1) * 255


def frost(x, c, textures, scale):
    frost = textures[np.random.randint(5)]  # frost6 is never drawn, as published
    if scale != 1:
        frost = cv2.resize(frost, (0, 0), fx=scale, fy=scale)  # C10 shrinks the texture by 0.2 per call
    h, w = np.array(x).shape[:2]
    x_start, y_start = np.random.randint(0, frost.shape[0] - h), np.random.randint(0, frost.shape[1] - w)
    frost = frost[x_start:x_start + h, y_start:y_start + w][..., [2, 1, 0]]
    return np.clip(c[0] * np.array(x) + c[1] * frost, 0, 255)


def snow(x, c):
    x = np.array(x, dtype=np.float32) / 255.
    h, w = x.shape[:2]
    snow_layer = np.random.normal(size=x.shape[:2], loc=c[0], scale=c[1])
    snow_layer = clipped_zoom(snow_layer[..., np.newaxis], c[2])
    snow_layer[snow_layer < c[3]] = 0
    # The reference blurs an 8-bit layer and gets an 8-bit PNG back: keep both quantisations around the NumPy blur.
    snow_layer = (np.clip(snow_layer.squeeze(), 0, 1) * 255).astype(np.uint8)
    snow_layer = _motion_blur(snow_layer, radius=c[4], sigma=c[5], angle=np.random.uniform(-135, -45))
    snow_layer = (np.clip(np.round(snow_layer), 0, 255).astype(np.uint8) / 255.)[..., np.newaxis]
    x = c[6] * x + (1 - c[6]) * np.maximum(x, cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).reshape(h, w, 1) * 1.5 + 0.5)
    return np.clip(x + snow_layer + np.rot90(snow_layer, k=2), 0, 1) * 255


def spatter(x, c):
    x = np.array(x, dtype=np.float32) / 255.
    liquid_layer = np.random.normal(size=x.shape[:2], loc=c[0], scale=c[1])
    liquid_layer = gaussian(liquid_layer, sigma=c[2])
    liquid_layer[liquid_layer < c[3]] = 0
    if c[5] == 0:
        liquid_layer = (liquid_layer * 255).astype(np.uint8)
        dist = 255 - cv2.Canny(liquid_layer, 50, 150)
        dist = cv2.distanceTransform(dist, cv2.DIST_L2, 5)
        _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
        dist = cv2.blur(dist, (3, 3)).astype(np.uint8)
        dist = cv2.equalizeHist(dist)
        ker = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
        dist = cv2.filter2D(dist, cv2.CV_8U, ker)
        dist = cv2.blur(dist, (3, 3)).astype(np.float32)

        m = cv2.cvtColor(liquid_layer * dist, cv2.COLOR_GRAY2BGRA)
        m /= np.max(m, axis=(0, 1))
        m *= c[4]
        # water is pale turquoise (in OpenCV's BGR order, applied to an RGB array, as published)
        color = np.concatenate((175 / 255. * np.ones_like(m[..., :1]), 238 / 255. * np.ones_like(m[..., :1]),
                                238 / 255. * np.ones_like(m[..., :1])), axis=2)
        color = cv2.cvtColor(color, cv2.COLOR_BGR2BGRA)
        x = cv2.cvtColor(x, cv2.COLOR_BGR2BGRA)
        return cv2.cvtColor(np.clip(x + m * color, 0, 1), cv2.COLOR_BGRA2BGR) * 255
    m = np.where(liquid_layer > c[3], 1, 0)
    m = gaussian(m.astype(np.float32), sigma=c[4])
    m[m < 0.8] = 0
    # mud brown
    color = np.concatenate((63 / 255. * np.ones_like(x[..., :1]), 42 / 255. * np.ones_like(x[..., :1]),
                            20 / 255. * np.ones_like(x[..., :1])), axis=2)
    color *= m[..., np.newaxis]
    x *= (1 - m[..., np.newaxis])
    return np.clip(x + color, 0, 1) * 255


def contrast(x, c):
    x = np.array(x) / 255.
    means = np.mean(x, axis=(0, 1), keepdims=True)
    return np.clip((x - means) * c + means, 0, 1) * 255


def brightness(x, c):
    x = sk.color.rgb2hsv(np.array(x) / 255.)
    x[:, :, 2] = np.clip(x[:, :, 2] + c, 0, 1)
    return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255


def saturate(x, c):
    x = sk.color.rgb2hsv(np.array(x) / 255.)
    x[:, :, 1] = np.clip(x[:, :, 1] * c[0] + c[1], 0, 1)
    return np.clip(sk.color.hsv2rgb(x), 0, 1) * 255


def jpeg_compression(x, c):
    output = BytesIO()
    x.save(output, "JPEG", quality=c)
    return PILImage.open(output)


def pixelate(x, c):
    w, h = x.size
    return x.resize((int(w * c), int(h * c)), PILImage.BOX).resize((w, h), PILImage.BOX)


def elastic_transform(image, c):
    image = np.array(image, dtype=np.float32) / 255.
    shape = image.shape
    shape_size = shape[:2]
    # random affine
    center_square = np.float32(shape_size) // 2
    square_size = min(shape_size) // 3
    pts1 = np.float32([center_square + square_size,
                       [center_square[0] + square_size, center_square[1] - square_size],
                       center_square - square_size])
    pts2 = pts1 + np.random.uniform(-c[2], c[2], size=pts1.shape).astype(np.float32)
    M = cv2.getAffineTransform(pts1, pts2)
    image = cv2.warpAffine(image, M, shape_size[::-1], borderMode=cv2.BORDER_REFLECT_101)

    dx = (gaussian(np.random.uniform(-1, 1, size=shape[:2]), c[1], mode="reflect", truncate=3) * c[0]
          ).astype(np.float32)
    dy = (gaussian(np.random.uniform(-1, 1, size=shape[:2]), c[1], mode="reflect", truncate=3) * c[0]
          ).astype(np.float32)
    dx, dy = dx[..., np.newaxis], dy[..., np.newaxis]
    x, y, z = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]), np.arange(shape[2]))
    indices = np.reshape(y + dy, (-1, 1)), np.reshape(x + dx, (-1, 1)), np.reshape(z, (-1, 1))
    return np.clip(map_coordinates(image, indices, order=1, mode="reflect").reshape(shape), 0, 1) * 255


# --- inputs -------------------------------------------------------------------------------------------------------

def fmnist_rgb(count):
    """Fashion-MNIST test images as PIL RGB: grey stacked to three channels, as imagecorruptions does."""
    with gzip.open(FMNIST, "rb") as f:
        raw = f.read()
    _, n, rows, cols = np.frombuffer(raw[:16], dtype=">u4")
    imgs = np.frombuffer(raw, dtype=np.uint8, offset=16, count=count * rows * cols).reshape(count, rows, cols)
    return [PILImage.fromarray(np.stack([g, g, g], axis=2)) for g in imgs]


def skimage_rgb(size):
    """Colour images bundled with scikit-image, as the reference prepares ImageNet val: Resize(256) +
    CenterCrop(224) (bilinear, as torchvision); the 32 px set is a centre square crop, LANCZOS to 32."""
    out = []
    for name in ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field"):
        im = PILImage.fromarray(getattr(sk.data, name)()[..., :3])
        w, h = im.size
        if size == 224:
            s = 256 / min(w, h)
            im = im.resize((round(w * s), round(h * s)), PILImage.BILINEAR)
            w, h = im.size
            left, top = (w - 224) // 2, (h - 224) // 2
            out.append(im.crop((left, top, left + 224, top + 224)))
        else:
            s = min(w, h)
            box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)
            out.append(im.crop(box).resize((size, size), PILImage.LANCZOS))
    return out


def frost_textures(folder):
    """frost1..frost5 decoded once (BGR, as cv2.imread), or one fixed random texture when the folder is absent."""
    names = ["frost1.png", "frost2.png", "frost3.png", "frost4.jpg", "frost5.jpg"]
    if folder and all((Path(folder) / n).is_file() for n in names):
        return [cv2.imread(str(Path(folder) / n)) for n in names], "reference"
    rng = np.random.default_rng(0)
    noise = rng.random((480, 640, 3), dtype=np.float32)
    texture = np.uint8(np.clip(cv2.GaussianBlur(noise, (0, 0), 3) * 4 - 1.5, 0, 1) * 255)
    return [texture] * 5, "random"


def corruption_fn(name, preset, textures):
    c = C[name][preset][SEVERITY - 1]
    f = globals()[name]
    if name == "fog":
        return lambda x: f(x, c, mapsize=256 if preset == "in" else 32)
    if name == "frost":
        return lambda x: f(x, c, textures, scale=1 if preset == "in" else 0.2)
    return lambda x: f(x, c)


def time_one(fn, images, min_s):
    """Images per second over at least min_s seconds and at least one image, after one untimed call."""
    np.uint8(fn(images[0]))
    n, start = 0, time.perf_counter()
    while True:
        np.uint8(fn(images[n % len(images)]))  # the reference saves np.uint8(result)
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_s:
            return n / elapsed, n


def main():
    sizes = ["28x28x1", "32x32x3", "224x224x3"]
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default=",".join(sizes), help="comma-separated, from " + ",".join(sizes))
    p.add_argument("--corruptions", default=",".join(ALL), help="comma-separated names")
    p.add_argument("--quick", action="store_true", help="time each case for 0.1 s instead of 0.3 s")
    p.add_argument("--frost-dir", default="/work/shared/reference/frost")
    a = p.parse_args()
    picked_sizes = [s for s in a.sizes.split(",") if s]
    picked = [s for s in a.corruptions.split(",") if s]
    for s in picked_sizes:
        if s not in sizes:
            p.error(f"unknown size {s}")
    for s in picked:
        if s not in ALL:
            p.error(f"unknown corruption {s}")
    min_s = 0.1 if a.quick else 0.3

    np.random.seed(0)
    textures, frost_source = frost_textures(a.frost_dir)
    inputs = {"28x28x1": (lambda: fmnist_rgb(16), "c10"), "32x32x3": (lambda: skimage_rgb(32), "c10"),
              "224x224x3": (lambda: skimage_rgb(224), "in")}
    rows = []
    for size in picked_sizes:
        images, preset = inputs[size][0](), inputs[size][1]
        for name in picked:
            img_s, n = time_one(corruption_fn(name, preset, textures), images, min_s)
            rows.append({"corruption": name, "size": size, "ref_img_s": round(img_s, 2), "images": n})
            print(f"corruptions.py: {size:9s} {name:18s} {img_s:10.2f} img/s ({n} images)", file=sys.stderr)
    print(json.dumps({
        "rows": rows,
        "severity": SEVERITY,
        "threads": 1,
        "frost_textures": frost_source,
        "motion_blur": "imagecorruptions NumPy algorithm (no ImageMagick/Wand)",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                     "scikit-image": sk.__version__, "opencv": cv2.__version__, "pillow": PIL.__version__},
    }))


if __name__ == "__main__":
    main()
