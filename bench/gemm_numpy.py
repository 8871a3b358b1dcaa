# OpenBLAS fp32 GEMM rate through numpy at a given thread count (set by the caller's environment).
# Usage: gemm_numpy.py <m> <k> <n> <seconds>
import json, sys, time
import numpy as np

m, k, n = (int(a) for a in sys.argv[1:4])
seconds = float(sys.argv[4])
rng = np.random.default_rng(0)
a = rng.standard_normal((m, k), dtype=np.float32)
b = rng.standard_normal((k, n), dtype=np.float32)
a @ b
reps = []
for _ in range(7):
    t0 = time.perf_counter()
    count = 0
    while time.perf_counter() - t0 < seconds / 7 or count == 0:
        a @ b
        count += 1
    reps.append((time.perf_counter() - t0) / count)
reps.sort()
print(json.dumps({'gflops': 2 * m * k * n / reps[len(reps) // 2] / 1e9}))
