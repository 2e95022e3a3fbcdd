"""One BLAS thread inside the library's calls; the learner's numpy settings untouched outside them.

The course's matrices are small (64 × 64 for a batch of 64, 64 × 1500 for the whole digits
training set). Several OpenBLAS threads splitting a product that small gain little, and when
another program keeps a core busy they wait for each other: on a 2-core machine with one core
busy elsewhere, a full-batch iteration written by hand (`net.backprop`, `opt.step`) took
90–470 ms with numpy's default 2 threads against 1–2.5 ms with one; with both cores idle, two
threads gained at most 15 % (float64, 1500 columns). So the public calls that multiply matrices
(MLP.feedforward/forward/backprop/cost_value/predict/accuracy, the functions of backprop.py;
train limits BLAS for its whole loop) run with one BLAS thread and put the previous count back
on return:

    @one_blas_thread                 # on a function
    with one_blas_thread():          # around a block

Outside them numpy keeps whatever the learner chose (threadpoolctl, OPENBLAS_NUM_THREADS=...).

Cost. threadpoolctl's `threadpool_limits` per call costs about 50 µs (it re-reads every
library's state), a third of a backprop at batch 64. Here the libraries are found once, by
threadpoolctl's controller on the first call, and each call then reads and sets their thread
counts directly (OpenBLAS's openblas_get/set_num_threads through ctypes): about 2 µs for an
outermost call, under 1 µs for a nested one (tests/test_blas_threads.py bounds both). Only numpy's
own BLAS is limited when it can be told apart (a pip wheel ships it in numpy.libs or
numpy/.dylibs; scikit-learn's scipy loads a second OpenBLAS that numpy never calls), else every
BLAS library threadpoolctl finds. Where it finds none (e.g. numpy on Apple's Accelerate), the
limit does nothing.

Nesting and threads. OpenBLAS's thread count (its pthreads build, which numpy's wheels ship) is
one number for the whole process, so the limit is counted for the whole process: the first call
to enter, from any Python thread, saves the count and sets 1; calls nested in it, or running
meanwhile in other threads (a widget's callback beside the main thread), only raise a depth
counter; the last one to leave puts the saved count back. A lock makes each check-and-set
atomic. (With a save and restore per call instead, a call entering while another runs would
save that one's 1 and, leaving last, leave the process on one thread; or leaving first, put 2
back under the other's feet.) One consequence: while any thread is inside the library, the
others' BLAS calls run on one thread too. Libraries whose count belongs to each thread (OpenBLAS
built with OpenMP, where threadpoolctl sets omp_set_num_threads) keep a depth and a saved count
per thread instead. A thread count changed inside a call (say by a train() callback) is undone
when the outermost call returns, as threadpoolctl's own limits do; a threadpoolctl limit entered
in another Python thread while a library call runs is not coordinated with this one.
"""
import ctypes
import functools
import os
import threading

import numpy as np

__all__ = ["one_blas_thread", "blas_thread_counts"]


class _Depth:
    """How many calls are inside the limit, and the counts to put back when the last leaves."""

    depth = 0
    saved = ()


class _ThreadDepth(threading.local, _Depth):
    """The same, per Python thread (for libraries whose thread count is per thread)."""


_lock = threading.Lock()
_process = _Depth()          # for libraries with one count per process (OpenBLAS pthreads, MKL, BLIS)
_thread = _ThreadDepth()     # for libraries with one count per thread (OpenBLAS on OpenMP)
_libs = None                 # (per-process [(get, set), ...], per-thread [...]), found on first use


def _openblas_functions(lib):
    """(get, set): OpenBLAS's own openblas_get/set_num_threads for a pthreads build, called
    through ctypes without threadpoolctl's per-call bookkeeping; None if not found."""
    try:
        dll = ctypes.CDLL(lib.filepath, mode=getattr(os, "RTLD_NOLOAD", ctypes.DEFAULT_MODE))
    except OSError:
        return None
    for prefix in ("", "scipy_"):              # scipy-openblas, in numpy's and scipy's wheels
        for suffix in ("", "64_", "_64"):      # builds with 64-bit integers
            get = getattr(dll, f"{prefix}openblas_get_num_threads{suffix}", None)
            set_ = getattr(dll, f"{prefix}openblas_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                return get, set_
    return None


def _find_libraries():
    """Numpy's BLAS libraries as threadpoolctl sees them, split by the scope of their count."""
    try:
        from threadpoolctl import ThreadpoolController
        found = ThreadpoolController().select(user_api="blas").lib_controllers
    except Exception:          # threadpoolctl missing or unable to inspect: leave BLAS alone
        found = []
    home = os.path.dirname(os.path.realpath(np.__file__))
    numpy_own = [lib for lib in found if os.path.realpath(lib.filepath).startswith(
        (home + os.sep, home + ".libs" + os.sep))]
    per_process, per_thread = [], []
    for lib in numpy_own or found:
        layer = getattr(lib, "threading_layer", None)
        if layer == "disabled":             # a single-threaded build: nothing to limit
            continue
        functions = None
        if lib.internal_api == "openblas" and layer == "pthreads":
            functions = _openblas_functions(lib)
        functions = functions or (lib.get_num_threads, lib.set_num_threads)
        (per_thread if layer == "openmp" else per_process).append(functions)
    return per_process, per_thread


def _libraries():
    global _libs
    if _libs is None:
        with _lock:
            if _libs is None:
                _libs = _find_libraries()
    return _libs


def _limit(libs, state):
    if state.depth == 0:
        state.saved = tuple(get() for get, _ in libs)
        for (_, set_), n in zip(libs, state.saved):
            if isinstance(n, int) and n > 1:
                set_(1)
    state.depth += 1


def _restore(libs, state):
    state.depth -= 1
    if state.depth == 0:
        for (_, set_), n in zip(libs, state.saved):
            if isinstance(n, int) and n > 1:
                set_(n)


def _enter():
    per_process, per_thread = _libs or _libraries()
    if per_process:
        with _lock:
            _limit(per_process, _process)
    if per_thread:
        _limit(per_thread, _thread)


def _exit():
    per_process, per_thread = _libs
    if per_thread:
        _restore(per_thread, _thread)
    if per_process:
        with _lock:
            _restore(per_process, _process)


class _OneBlasThread:
    """The context manager; reusable and re-entrant (its state is the module's, not its own)."""

    def __enter__(self):
        _enter()
        return self

    def __exit__(self, *exc):
        _exit()
        return False


_CONTEXT = _OneBlasThread()


def one_blas_thread(func=None):
    """`with one_blas_thread():` runs the block with one BLAS thread; `@one_blas_thread` does
    the same for every call of a function. The previous thread count is restored afterwards
    (see the module's docstring for nesting and threads)."""
    if func is None:
        return _CONTEXT

    @functools.wraps(func)
    def with_one_blas_thread(*args, **kwargs):
        _enter()
        try:
            return func(*args, **kwargs)
        finally:
            _exit()
    return with_one_blas_thread


def blas_thread_counts():
    """The current thread count of each BLAS library the limit acts on (for tests and
    benchmarks), e.g. [2] outside the library's calls on 2 cores and [1] inside."""
    per_process, per_thread = _libraries()
    return [get() for get, _ in (*per_process, *per_thread)]
