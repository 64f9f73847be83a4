#ifndef CPREFETCH_SHIM_H
#define CPREFETCH_SHIM_H
/// A cache prefetch hint (for writing, keep in all levels): the analysis tables ask for a slot
/// some hundred instructions before they probe it, so the misses of several tables overlap
/// instead of stalling one after another. Swift has no prefetch of its own.
static inline void netcensus_prefetch(const void *p) { __builtin_prefetch(p, 1, 3); }
#endif
