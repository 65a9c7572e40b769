/*
 * backoff.c - how long to wait before restarting a child that died: at once
 * when it lived more than 60 s or on its first quick death, then 1, 2, 4 ...
 * capped at 60 s (keepalived's calc_restart_delay, reference section 1.2).
 */
#include "config.h"

#include "core.h"

#define SUP_QUICK_US (60 * 1000000ull) /* a death sooner than this is quick */
#define SUP_MAX_DELAY_S 60u

unsigned sup_restart_delay_s(uint64_t lived_us, unsigned *quick_deaths)
{
	unsigned n;

	if (lived_us > SUP_QUICK_US) {
		*quick_deaths = 0;
		return 0;
	}
	n = ++*quick_deaths;
	if (n == 1)
		return 0;
	/* 2nd quick death: 1 s, then doubling; 2^6 > 60 already */
	if (n - 2 >= 6)
		return SUP_MAX_DELAY_S;
	return 1u << (n - 2);
}
