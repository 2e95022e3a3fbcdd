"""Print OPENBLAS_CORETYPE=<name> for a set of OpenBLAS kernels this CPU can run but does not
pick by itself (`make test-cpu`, CI's second configuration), or nothing when there is none.

OpenBLAS chooses its kernels when numpy loads (or takes OPENBLAS_CORETYPE from the environment),
and matrix products round differently from one set to another. A machine running the AVX-512
kernels (SkylakeX and later) checks Haswell's (AVX2); one running others on a CPU with AVX-512
checks SkylakeX's (this project's CI machine sets OPENBLAS_CORETYPE=Haswell in its environment,
so it checks SkylakeX); one without AVX-512 checks Sandybridge's (AVX without FMA). Only x86-64
kernels are named; elsewhere the native ones are kept.
"""
from numpy._core._multiarray_umath import __cpu_features__  # numpy >= 2.0
from threadpoolctl import threadpool_info

AVX512_KERNELS = {"skylakex", "cooperlake", "sapphirerapids"}

native = next((i.get("architecture") or "" for i in threadpool_info()
               if i.get("internal_api") == "openblas"), "")
if native.lower() in AVX512_KERNELS:
    print("OPENBLAS_CORETYPE=Haswell")
elif __cpu_features__.get("AVX512_SKX"):
    print("OPENBLAS_CORETYPE=SkylakeX")
elif __cpu_features__.get("AVX2") and native:
    print("OPENBLAS_CORETYPE=Sandybridge")
