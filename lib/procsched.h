/*
 * procsched.h - apply a child process's scheduling settings (global_defs
 * vrrp_* / checker_*: nice, SCHED_RR with an RLIMIT_RTTIME guard, locked
 * memory, CPU affinity).
 */
#ifndef DD_PROCSCHED_H
#define DD_PROCSCHED_H

#include "cfg.h"

/**
 * procsched_apply - apply @s to the calling (single-threaded) process.
 * @s: the settings; nothing set means nothing is changed
 * @prefix: the keywords' prefix for messages ("vrrp", "checker")
 * Each failure is logged with the keyword and the reason, and the others
 * are still applied; real-time scheduling is not inherited by the scripts
 * the process starts (SCHED_RESET_ON_FORK).
 * Returns 0, or -1 when something could not be applied.
 */
int procsched_apply(const struct cfg_sched *s, const char *prefix);

#endif
