/*
 * cfg_kw_sched.c - global_defs keywords that set how the vrrp and checker
 * processes are scheduled: vrrp_priority / checker_priority (nice),
 * *_rt_priority (SCHED_RR), *_rlimit_rttime, *_no_swap, *_cpu_affinity.
 * keepalived's remedy for "A thread timer expired" on a loaded box.
 */
#include <stddef.h>

#include "cfg_int.h"

/* the keyword's vrrp_sched or checker_sched in global_defs */
static struct cfg_sched *sched_of(const struct cfg_kw *k, void *obj)
{
	return (struct cfg_sched *)((char *)obj + k->off);
}

static void *kw_nice(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	struct cfg_sched *s = sched_of(k, obj);

	(void)argc;
	if (cfg_arg_int(x, k->name, argv[0], -20, 19, &s->nice) == 0)
		s->nice_set = true;
	return NULL;
}

static void *kw_rt(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv)
{
	(void)argc;
	cfg_arg_uint(x, k->name, argv[0], 1, 99,
		     &sched_of(k, obj)->rt_priority);
	return NULL;
}

/* keepalived: at least 2 microseconds */
static void *kw_rttime(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		       int argc, char **argv)
{
	(void)argc;
	cfg_arg_uint(x, k->name, argv[0], 2, 1000000000UL,
		     &sched_of(k, obj)->rlimit_rttime_us);
	return NULL;
}

static void *kw_no_swap(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv)
{
	cfg_arg_optbool(x, k->name, argc, argv, &sched_of(k, obj)->no_swap);
	return NULL;
}

/* "CPU [CPU ...]": the CPUs' numbers as /proc/cpuinfo shows them */
static void *kw_cpus(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv)
{
	struct cfg_sched *s = sched_of(k, obj);
	unsigned cpu;
	int i;

	for (i = 0; i < argc; i++) {
		if (cfg_arg_uint(x, "CPU", argv[i], 0, CFG_CPU_MAX - 1, &cpu) <
		    0)
			return NULL;
		s->cpus[cpu / 64] |= 1ULL << (cpu % 64);
		s->cpus_set = true;
	}
	return NULL;
}

#define KW(name, fn, amin, amax, m)                                  \
	{                                                            \
		name, fn, amin, amax, NULL,                          \
			offsetof(struct cfg_global, m##_sched), 0, 0 \
	}

static const struct cfg_kw sched_kw[] = {
	KW("vrrp_priority", kw_nice, 1, 1, vrrp),
	KW("vrrp_rt_priority", kw_rt, 1, 1, vrrp),
	KW("vrrp_rlimit_rttime", kw_rttime, 1, 1, vrrp),
	KW("vrrp_no_swap", kw_no_swap, 0, 1, vrrp),
	KW("vrrp_cpu_affinity", kw_cpus, 1, CFG_ARGS_ANY, vrrp),
	KW("checker_priority", kw_nice, 1, 1, checker),
	KW("checker_rt_priority", kw_rt, 1, 1, checker),
	KW("checker_rlimit_rttime", kw_rttime, 1, 1, checker),
	KW("checker_no_swap", kw_no_swap, 0, 1, checker),
	KW("checker_cpu_affinity", kw_cpus, 1, CFG_ARGS_ANY, checker),
};

/* global_defs's keyword table continues here (cfg_blk_global.also) */
const struct cfg_block cfg_blk_global_sched = {
	.name = "global_defs",
	.kw = sched_kw,
	.n_kw = CFG_NELEM(sched_kw),
};
