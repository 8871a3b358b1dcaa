"""OpenBLAS fp32 GEMM through numpy, the peer of `npm run bench:kernels`.

Usage: numpy-gemm.py '<json: {"shapes": [[m, k, n], ...], "minTime": s, "reps": r}>'
Prints one JSON object: the BLAS kernel threadpoolctl reports and GFLOP/s (median) per shape.
Thread count and core type come from the environment (OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE).
"""
import json
import sys
import time

import numpy as np

try:
    import threadpoolctl
    pools = threadpoolctl.threadpool_info()
except ImportError:
    pools = []


def gflops(m, k, n, min_time, reps):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    out = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=out)
    iters = 1
    while True:
        t = time.perf_counter()
        for _ in range(iters):
            np.matmul(a, b, out=out)
        if time.perf_counter() - t >= min_time / 4:
            break
        iters *= 2
    samples = []
    for _ in range(reps):
        n_iter = 0
        t = time.perf_counter()
        while True:
            for _ in range(iters):
                np.matmul(a, b, out=out)
            n_iter += iters
            dt = time.perf_counter() - t
            if dt >= min_time:
                break
        samples.append(2.0 * m * n * k * n_iter / dt / 1e9)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    cfg = json.loads(sys.argv[1])
    blas = [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
            for p in pools if p.get("user_api") == "blas"]
    results = [gflops(m, k, n, cfg["minTime"], cfg["reps"]) for m, k, n in cfg["shapes"]]
    print(json.dumps({"numpy": np.__version__, "blas": blas, "gflops": results}))


main()
