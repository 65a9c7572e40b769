/*
 * procsched.c - a child's scheduling settings. keepalived applies the same
 * keywords in its children; real-time priority keeps adverts on time when
 * the box is loaded, and RLIMIT_RTTIME (keepalived's default 10 ms) makes
 * the kernel stop a real-time process that stops yielding.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "log.h"
#include "procsched.h"

#define RTTIME_DEFAULT_US 10000

int procsched_apply(const struct cfg_sched *s, const char *prefix)
{
	int rc = 0;

	if (s->cpus_set) {
		cpu_set_t set;
		unsigned cpu;

		CPU_ZERO(&set);
		for (cpu = 0; cpu < CFG_CPU_MAX && cpu < CPU_SETSIZE; cpu++)
			if (s->cpus[cpu / 64] & (1ULL << (cpu % 64)))
				CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			log_err("%s_cpu_affinity: %s", prefix, strerror(errno));
			rc = -1;
		}
	}
	if (s->nice_set && setpriority(PRIO_PROCESS, 0, s->nice) < 0) {
		log_err("%s_priority %d: %s", prefix, s->nice, strerror(errno));
		rc = -1;
	}
	if (s->rt_priority) {
		rlim_t us = s->rlimit_rttime_us ? s->rlimit_rttime_us :
						  RTTIME_DEFAULT_US;
		struct rlimit rl = { .rlim_cur = us, .rlim_max = us };
		struct sched_param sp = { .sched_priority =
						  (int)s->rt_priority };

		if (setrlimit(RLIMIT_RTTIME, &rl) < 0) {
			log_err("%s_rlimit_rttime %lu: %s", prefix,
				(unsigned long)us, strerror(errno));
			rc = -1;
		} else if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK,
					      &sp) < 0) {
			log_err("%s_rt_priority %u: %s", prefix, s->rt_priority,
				strerror(errno));
			rc = -1;
		}
	}
	if (s->no_swap && mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
		log_err("%s_no_swap: %s", prefix, strerror(errno));
		rc = -1;
	}
	return rc;
}
