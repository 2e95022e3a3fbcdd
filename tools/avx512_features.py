"""Print the numpy CPU features to disable so that numpy runs no AVX-512 code: the value for
NPY_DISABLE_CPU_FEATURES (`make test-cpu`, CI's second configuration).

The names differ between numpy versions (numpy 2.4 groups them as X86_V4, AVX512_ICL,
AVX512_SPR; numpy 2.0 lists AVX512F, AVX512_SKX, ...), so they are read from this numpy's own
list of dispatched features. Only features this CPU has are named: numpy refuses to disable what
the machine lacks. Prints an empty line on a CPU without AVX-512 (nothing to hold back).
"""
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__  # numpy >= 2.0

held_back = [f for f in __cpu_dispatch__
             if (f.startswith("AVX512") or f == "X86_V4") and __cpu_features__.get(f)]
print(" ".join(held_back))
