"""Keep freed arrays of a few hundred kB in the process instead of handing them back at once.

glibc's malloc serves a block of 128 kB or more with its own mmap and unmaps it when it is
freed, so a loop that allocates and frees arrays of that size, as every full-batch training step
does (one layer's z for 1500 examples is 32 × 1500 × 8 B = 384 kB), pays for fresh zeroed pages
at every step: page faults that take as long as the arithmetic (a full-batch step of the
source article's network: 2.7-3.8 ms against 1.5-1.9 ms, measured). glibc raises that threshold
by itself, up to 32 MB, the first time a larger mapped block is freed (M_MMAP_THRESHOLD is
dynamic); `keep_freed_blocks` does that once, at import, by allocating and freeing one 8 MB
array. It changes no number, only where memory comes from; with another C library it is one
short-lived allocation.
"""
import numpy as np


def keep_freed_blocks():
    np.empty(1 << 20)        # 8 MB, mapped and unmapped: glibc's threshold rises to 8 MB
