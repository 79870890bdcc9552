"""What the image pixel limit costs: time and peak memory to open, quantize and compare.

Run:  python benchmarks/bench_image_limit.py [--cases peer,load,quantize]

Each case runs in a fresh Python process, so its peak resident memory (ru_maxrss) is its own.
Images (written to a temporary folder): a photo at exactly the limit (china.jpg upscaled to
8165 x 6123 ~ MAX_PIXELS, JPEG); a 90 MP JPEG and a 9000 x 9000 flat PNG (258 KB) above it.
Cases: "peer" is Pillow's own Image.open + convert("RGB") + np.asarray, the plain way to read
a file; "load" is load_image (downscaling above the limit); "quantize" adds the default
quantization at k = 16, the indexed PNG and Pillow's median cut and fast octree, which is
what the Image tab holds in memory after a run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

CASE = r"""
import resource, sys, time, warnings
import numpy as np
from PIL import Image
path, what = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if what == "peer":
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    with Image.open(path) as im:
        pixels = np.asarray(im.convert("RGB"))
    size = pixels.shape[1::-1]
else:
    from kmeans_gui.data.images import load_image
    loaded = load_image(path, downscale=True)
    size = (loaded.width, loaded.height)
    if what == "quantize":
        from kmeans_gui.engine.quantize import indexed_png_bytes, pillow_quantize, quantize
        r = quantize(loaded.pixels, 16, seed=0)
        shown = r.image()
        png = indexed_png_bytes(r.indices, r.palette)
        peers = [pillow_quantize(loaded.pixels, 16, m) for m in ("median cut", "fast octree")]
seconds = time.perf_counter() - t
print(f"{size[0]} x {size[1]}|{seconds:.2f}|{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def make_images(folder: str) -> dict[str, str]:
    from PIL import Image
    from sklearn.datasets import load_sample_image

    from kmeans_gui.data.images import MAX_PIXELS, fit_within

    china = Image.fromarray(load_sample_image("china.jpg"))
    paths = {}
    w, h = fit_within((4 * 10_960, 3 * 10_960), MAX_PIXELS)  # 4:3, as many pixels as allowed
    paths[f"photo at the limit ({w * h / 1e6:.1f} MP JPEG)"] = p = os.path.join(folder, "limit.jpg")
    china.resize((w, h), Image.Resampling.BILINEAR).save(p, quality=90)
    paths["90 MP JPEG"] = p = os.path.join(folder, "big90.jpg")
    china.resize((10_960, 8_220), Image.Resampling.BILINEAR).save(p, quality=90)
    paths["9000 x 9000 flat PNG"] = p = os.path.join(folder, "flat9000.png")
    Image.new("RGB", (9000, 9000), (30, 120, 200)).save(p)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="peer,load,quantize", help="comma-separated: peer, load, quantize")
    args = parser.parse_args()
    from kmeans_gui.data.images import MAX_PIXELS

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    print(f"MAX_PIXELS = {MAX_PIXELS:,}")
    print(f"{'image':<34s}{'case':<10s}{'size':>14s}{'time':>9s}{'peak RSS':>11s}")
    with tempfile.TemporaryDirectory() as folder:
        for label, path in make_images(folder).items():
            for case in args.cases.split(","):
                out = subprocess.run([sys.executable, "-c", CASE, path, case], capture_output=True, text=True, env=env)
                if out.returncode != 0:
                    print(f"{label:<34s}{case:<10s} failed: {out.stderr.strip().splitlines()[-1]}")
                    continue
                size, seconds, rss = out.stdout.strip().split("|")
                print(f"{label:<34s}{case:<10s}{size:>14s}{seconds + ' s':>9s}{rss + ' MB':>11s}")


if __name__ == "__main__":
    main()
