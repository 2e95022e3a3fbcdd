"""The source article's recipe under several sets of OpenBLAS kernels: same numbers, same speed?

OpenBLAS picks its kernels for the CPU when numpy loads (SkylakeX's AVX-512 code on a CPU with
AVX-512, Haswell's AVX2 code on one without, ...); `OPENBLAS_CORETYPE` in the environment forces
a set. Each set runs in its own process (the reference: the environment without
OPENBLAS_CORETYPE, i.e. the machine's own choice):
  1. the recipe of notebooks 12 and 13 (MLP([64, 32, 16, 10], sigmoid/ReLU, BatchNorm on every
     layer, momentum 0.01, ε 0.01), Adam(0.001), full batch, 5000 iterations, measured every 25:
     train(..., eval_every=25)), in float64 and float32; its validation accuracies at the 200
     checkpoints are compared with those of the machine's own kernels;
  2. the time of one product of the recipe's first layer, (32 × 64) @ (64 × 1500), one thread,
     the fastest of 5 × 1000.
Why the notebooks run the recipe in float64: a result they print must not depend on the set.
Only sets this CPU can run are tried (x86-64). Takes about a minute.
Run:  .venv/bin/python benchmarks/bench_blas_kernels.py [--iterations 5000]
"""
import argparse
import json
import os
import subprocess
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's course_lib

import numpy as np  # noqa: E402


def child(iterations):
    """Run in a process with OPENBLAS_CORETYPE set: print one JSON line."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from course_lib import MLP, Adam, digits_split, train
    kernels = next((i.get("architecture") for i in threadpool_info()
                    if i.get("internal_api") == "openblas"), "?")
    split, out = digits_split("seed"), {"kernels": kernels}
    for dtype in ("float64", "float32"):
        net = MLP([64, 32, 16, 10], activation=["sigmoid", "relu"], batch_norm="all",
                  bn_momentum=0.01, bn_eps=0.01, seed=0, dtype=dtype)
        h = train(net, Adam(0.001), split.X_train, split.Y_train, split.X_val, split.Y_val,
                  epochs=iterations, batch_size=split.X_train.shape[1], lr_schedule="constant",
                  eval_every=25, progress=False)
        W = np.ones((32, 64), dtype)
        A = np.ones((64, 1500), dtype)
        with threadpool_limits(1):
            product = min(timeit.repeat(lambda: W @ A, number=1000, repeat=5)) / 1000
        out[dtype] = {"val_accuracy": h.val_accuracy, "epoch": h.epoch,
                      "best": h.best_epoch, "product_us": 1e6 * product}
    print(json.dumps(out))


def runnable_sets():
    """Kernel sets to try: None (the machine's own) and the x86-64 ones this CPU can run."""
    from numpy._core._multiarray_umath import __cpu_features__ as cpu   # numpy >= 2.0
    sets = [None]
    if cpu.get("AVX"):
        sets.append("Sandybridge")
    if cpu.get("AVX2") and cpu.get("FMA3"):
        sets.append("Haswell")
    if cpu.get("AVX512_SKX"):
        sets.append("SkylakeX")
    return sets


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.iterations)
    results = {}
    for coretype in runnable_sets():
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        run = subprocess.run([sys.executable, __file__, "--child", "--iterations",
                              str(args.iterations)], env=env, capture_output=True, text=True,
                             check=True)
        results[coretype or "(the machine's own)"] = json.loads(run.stdout.splitlines()[-1])
    reference = next(iter(results.values()))
    print(f"The recipe, {args.iterations} iterations, validation accuracy at every 25th, "
          f"against the machine's own kernels ({reference['kernels']}); 297 validation images")
    print("| OPENBLAS_CORETYPE | kernels | dtype | checkpoints that differ | largest difference "
          "| best iteration | (32 × 64) @ (64 × 1500), µs |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        for dtype in ("float64", "float32"):
            acc, ref = np.array(r[dtype]["val_accuracy"]), np.array(reference[dtype]["val_accuracy"])
            differ = int(np.sum(acc != ref))
            images = int(round(297 * float(np.max(np.abs(acc - ref)))))
            print(f"| {name} | {r['kernels']} | {dtype} | {differ} of {acc.size} | {images} image(s) "
                  f"| {r[dtype]['best']} | {r[dtype]['product_us']:.0f} |")


if __name__ == "__main__":
    main()
