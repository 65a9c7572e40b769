/*
 * promote.c - promote_secondaries, held per interface by the instances that
 * ask for it (see promote.h).
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "promote.h"
#include "sysctl.h"

struct promote_if {
	char name[IFNAMSIZ];
	unsigned refs;
	bool changed; /* it was 0 and we set it: put 0 back at the end */
};

static struct promote_if *ifs;
static size_t n_ifs;

static void path_of(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/promote_secondaries",
		 ifname);
}

static struct promote_if *find(const char *ifname)
{
	size_t k;

	for (k = 0; k < n_ifs; k++)
		if (!strcmp(ifs[k].name, ifname))
			return &ifs[k];
	return NULL;
}

int vrrp_promote_hold(const char *ifname, const char *who)
{
	struct promote_if *p = find(ifname), *n;
	char path[128];
	long v;

	if (p) {
		p->refs++;
		return 0;
	}
	path_of(ifname, path, sizeof(path));
	if (sysctl_get_long(path, &v) < 0) {
		log_err("(%s) promote_secondaries: reading %s: %s", who, path,
			strerror(errno));
		return -1;
	}
	if (!v && sysctl_set(path, "1") < 0) {
		log_err("(%s) promote_secondaries: writing 1 to %s: %s", who,
			path, strerror(errno));
		return -1;
	}
	n = realloc(ifs, (n_ifs + 1) * sizeof(*ifs));
	if (!n) {
		log_err("(%s) promote_secondaries: out of memory", who);
		if (!v)
			sysctl_set(path, "0");
		return -1;
	}
	ifs = n;
	p = &ifs[n_ifs++];
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	p->refs = 1;
	p->changed = !v;
	if (!v)
		log_info("(%s) promote_secondaries set on %s", who, ifname);
	return 0;
}

void vrrp_promote_release(const char *ifname)
{
	struct promote_if *p = find(ifname);
	char path[128];

	if (!p || --p->refs)
		return;
	path_of(ifname, path, sizeof(path));
	/* the interface may be gone, and its setting with it */
	if (p->changed && sysctl_set(path, "0") < 0 && errno != ENOENT)
		log_err("promote_secondaries: writing 0 to %s: %s", path,
			strerror(errno));
	*p = ifs[--n_ifs];
	if (!n_ifs) {
		free(ifs);
		ifs = NULL;
	}
}
