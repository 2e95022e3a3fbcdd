"""What numpy charges for the operations BatchNorm and the bias are made of, at the source
article's first layer (32 units × 1500 examples) and at a mini-batch layer (64 × 64).

The network's fast path (backprop._backprop_fast, batchnorm._forward_fast and _backward_fast)
must compute the same numbers, to the last bit, as the equations written out in backprop.py and
batchnorm.py (tests/test_fast_path.py). This prints what its operations cost, against
operations that would be cheaper but are not the same:

  per-unit column   z += b, γ ẑ, ...: an (n, 1) array broadcast over the columns; numpy's
                    iterator then steps row by row
  scalar            the same operation with one number (what numpy does fastest)
  contiguous        the same with a full (n, m) array as the other operand
  long rows         the per-unit-column operation on the same elements laid out as 8 rows
  row sum           z.sum(axis=1, keepdims=True) (pairwise summation, row by row)
  add.reduce        np.add.reduce(z, axis=1, keepdims=True): what .sum calls, without its
                    Python wrapper (the same sums)
  z @ ones          the row sums as a matrix-vector product: BLAS adds in another order, so
                    other last bits than the sums of the equations as written

Microseconds per call, the fastest of 7 repetitions of 3000 calls, one BLAS thread.
Run:  .venv/bin/python benchmarks/bench_numpy_floor.py [--dtype float32]
"""
import argparse
import sys
import timeit
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's course_lib


def microseconds(f, number=3000, repeat=7):
    return 1e6 * min(timeit.repeat(f, number=number, repeat=repeat)) / number


def rows(shape, dtype):
    rng = np.random.default_rng(0)
    n, m = shape
    z = rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
    b = rng.uniform(-1.0, 1.0, size=(n, 1)).astype(dtype)
    full = np.repeat(b, m, axis=1)
    long = z.reshape(8, -1) if z.size % 8 == 0 else z.reshape(1, -1)
    b_long = b[:long.shape[0]]
    ones = np.ones((m, 1), dtype)
    # in-place additions of values in [-1, 1] and back: the numbers stay finite however many
    # times timeit repeats them
    return [
        ("z += b (per-unit column)", lambda: (np.add(z, b, out=z), np.subtract(z, b, out=z))),
        ("z += 0.5 (scalar)", lambda: (np.add(z, 0.5, out=z), np.subtract(z, 0.5, out=z))),
        ("z += full (contiguous)", lambda: (np.add(z, full, out=z), np.subtract(z, full, out=z))),
        (f"the same in {long.shape[0]} long rows",
         lambda: (np.add(long, b_long, out=long), np.subtract(long, b_long, out=long))),
        ("row sum z.sum(axis=1)", lambda: z.sum(axis=1, keepdims=True)),
        ("np.add.reduce(z, axis=1)", lambda: np.add.reduce(z, axis=1, keepdims=True)),
        ("z @ ones (other last bits)", lambda: z @ ones),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = parser.parse_args()
    print(f"numpy {np.__version__}, {args.dtype}; µs per call (the in-place rows: per pair of "
          "calls, there and back)")
    print("| operation | 32 × 1500 | 64 × 64 |")
    print("|---|---|---|")
    with threadpool_limits(1, user_api="blas"):
        big, small = rows((32, 1500), args.dtype), rows((64, 64), args.dtype)
        for (name, f), (_, g) in zip(big, small):
            print(f"| {name} | {microseconds(f):.2f} | {microseconds(g):.2f} |")


if __name__ == "__main__":
    main()
