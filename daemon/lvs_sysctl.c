/*
 * lvs_sysctl.c - advice on the IPVS sysctls that decide what happens to a
 * client whose connection entry points at a real server directord took out.
 *
 * A removed (or quiesced) destination keeps its connection entries: in DR
 * mode they sit in FIN_WAIT for two minutes after each connection ends. A
 * new SYN from a client that reuses one of those source ports matches the
 * old entry, and with net.ipv4.vs.expire_nodest_conn=0 (the kernel's
 * default) IPVS silently drops it until the entry expires: the client's
 * connect times out although healthy servers remain. keepalived says
 * nothing about it; directord does not change system settings behind the
 * operator's back either, but it says so once, with the fix.
 */
#include <stdio.h>

#include "log.h"
#include "lvs_int.h"
#include "sysctl.h"

#define LVS_SYSCTL_DIR "/proc/sys/net/ipv4/vs/"

/* read a numeric sysctl of this network namespace; -1 when unreadable */
static long read_sysctl(const char *name)
{
	char path[128];
	long v;

	snprintf(path, sizeof(path), LVS_SYSCTL_DIR "%s", name);
	return sysctl_get_long(path, &v) < 0 ? -1 : v;
}

/* can health checks take a real server out (or set its weight to 0)? */
static bool health_removes(const struct cfg *c)
{
	for (size_t i = 0; i < c->n_vss; i++)
		for (size_t j = 0; j < c->vss[i].n_rss; j++)
			if (c->vss[i].rss[j].n_checks)
				return true;
	return false;
}

void lvs_sysctl_advise(struct lvs *l, const struct cfg *c)
{
	long v;

	if (l->advised || !health_removes(c))
		return;
	v = read_sysctl("expire_nodest_conn");
	l->advised = true;
	if (v != 0)
		return;
	log_warn("IPVS: net.ipv4.vs.expire_nodest_conn is 0: a client that "
		 "reuses the source port of a recent connection to a real "
		 "server taken out by its health check is dropped (up to 2 "
		 "minutes, FIN_WAIT in DR mode) instead of sent to a healthy "
		 "one; set it to 1 (sysctl -w "
		 "net.ipv4.vs.expire_nodest_conn=1)");
}
