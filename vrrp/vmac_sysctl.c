/*
 * vmac_sysctl.c - the sysctls of `use_vmac`: the macvlan's own, the base
 * interface's ARP ones (held while a macvlan of ours uses the base), and
 * net.ipv4.conf.all.rp_filter, which must be 0 for a Backup to hear IPv4
 * adverts on its address-less macvlan (held while an IPv4 macvlan of ours
 * exists). Every value changed is given back when the last user goes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "sysctl.h"
#include "vmac_int.h"

static int sysctl_rw(const char *fam, const char *ifn, const char *key,
		     const char *val, char *old, size_t oldsz)
{
	char path[160];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifn,
		 key);
	if (old && sysctl_get(path, old, oldsz) < 0) {
		log_err("vmac: reading %s: %s", path, strerror(errno));
		return -1;
	}
	if (sysctl_set(path, val) < 0) {
		log_err("vmac: writing %s to %s: %s", val, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* the base interfaces whose sysctls we changed, with their old values:
 * several instances can share a base, the last one out restores */
#define VMAC_BASES 16
#define N_BASE_SYSCTLS 3 /* arp_ignore, arp_filter, arp_announce */
static struct vmac_base {
	char name[IFNAMSIZ];
	int refs;
	char old[N_BASE_SYSCTLS][16]; /* parallel to base_sysctls */
} bases[VMAC_BASES];

/* the base answers no ARP for addresses it does not hold (the VIPs live
 * on the macvlan, whose MAC must be the one answered), and its own ARP
 * requests carry its own address, not a VIP: a neighbour learns the
 * sender of a request, and would map the VIP to the base MAC */
static const struct {
	const char *key, *val;
} base_sysctls[N_BASE_SYSCTLS] = {
	{ "arp_ignore", "1" },
	{ "arp_filter", "1" },
	{ "arp_announce", "2" },
};

static struct vmac_base *base_find(const char *name)
{
	size_t k;

	for (k = 0; k < VMAC_BASES; k++)
		if (bases[k].refs && !strcmp(bases[k].name, name))
			return &bases[k];
	return NULL;
}

int vmac_base_hold(const char *name)
{
	struct vmac_base *b = base_find(name);
	size_t k;

	if (b) {
		b->refs++;
		return 0;
	}
	for (k = 0; k < VMAC_BASES && bases[k].refs; k++)
		;
	if (k == VMAC_BASES) {
		log_err("vmac: too many base interfaces (max %d)", VMAC_BASES);
		return -1;
	}
	b = &bases[k];
	for (k = 0; k < N_BASE_SYSCTLS; k++)
		if (sysctl_rw("ipv4", name, base_sysctls[k].key,
			      base_sysctls[k].val, b->old[k],
			      sizeof(b->old[k])) < 0)
			return -1;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->refs = 1;
	return 0;
}

void vmac_base_release(const char *name)
{
	struct vmac_base *b = base_find(name);
	size_t k;

	if (!b || --b->refs > 0)
		return;
	for (k = 0; k < N_BASE_SYSCTLS; k++)
		sysctl_rw("ipv4", name, base_sysctls[k].key, b->old[k], NULL,
			  0);
}

/* a base that came back (deleted and created again) has fresh sysctls:
 * set ours again, keeping the originals saved when it was first held */
int vmac_base_reapply(const char *name)
{
	size_t k;

	for (k = 0; k < N_BASE_SYSCTLS; k++)
		if (sysctl_rw("ipv4", name, base_sysctls[k].key,
			      base_sysctls[k].val, NULL, 0) < 0)
			return -1;
	return 0;
}

/* ---- net.ipv4.conf.*.rp_filter ---------------------------------------- */

#define RPF_DIR "/proc/sys/net/ipv4/conf"

/* a conf entry whose own rp_filter we raised to the old all. value */
struct rpf_if {
	char name[IFNAMSIZ]; /* an interface, or "default" */
	unsigned ifindex; /* the interface we changed, not a later namesake
			   * (0 for "default") */
	int orig, set;
};

/* what vmac_rpf_hold changed: nothing unless all. was above 0 then. Kept
 * in memory only, on purpose: a crashed process leaves the values as they
 * are (all. 0, every interface at its former effective value, so the
 * filtering is unchanged) and the next run, finding all. at 0, changes and
 * so gives back nothing, instead of "restoring" the raised values */
static struct {
	unsigned refs; /* IPv4 macvlans of ours */
	bool changed; /* all. is ours (set to 0) */
	int all; /* all. before that */
	struct rpf_if *ifs;
	size_t n_ifs;
} rpf;

/* read net.ipv4.conf.@ifn.rp_filter; 0, or -errno */
static int rpf_get(const char *ifn, int *val)
{
	char path[96], buf[16], *end;
	ssize_t n;
	long v;
	int fd, e;

	snprintf(path, sizeof(path), RPF_DIR "/%s/rp_filter", ifn);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n > 0 ? n : 0] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || v < 0 || v > 2)
		return -EINVAL;
	*val = (int)v;
	return 0;
}

/* write net.ipv4.conf.@ifn.rp_filter; 0, or -errno */
static int rpf_put(const char *ifn, int val)
{
	char path[96], buf[16];
	ssize_t n;
	int fd, len, e;

	snprintf(path, sizeof(path), RPF_DIR "/%s/rp_filter", ifn);
	len = snprintf(buf, sizeof(buf), "%d", val);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, (size_t)len);
	e = errno;
	close(fd);
	if (n != len)
		return n < 0 ? -e : -EIO;
	return 0;
}

/* raise @ifn's own rp_filter to @all when it is below: its effective
 * value max(all, own) stays the same once all. is 0. An interface gone
 * meanwhile is skipped. 0, or -1 (logged) */
static int rpf_raise(const char *ifn, int all)
{
	struct rpf_if *r;
	unsigned idx = 0;
	int own, rc;

	rc = rpf_get(ifn, &own);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_err("vmac: reading net.ipv4.conf.%s.rp_filter: %s", ifn,
			strerror(-rc));
		return -1;
	}
	if (own >= all)
		return 0;
	if (strcmp(ifn, "default")) {
		idx = if_nametoindex(ifn);
		if (!idx)
			return 0;
	}
	r = realloc(rpf.ifs, (rpf.n_ifs + 1) * sizeof(*r));
	if (!r) {
		log_err("vmac: net.ipv4.conf.%s.rp_filter: out of memory", ifn);
		return -1;
	}
	rpf.ifs = r;
	rc = rpf_put(ifn, all);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_err("vmac: writing %d to net.ipv4.conf.%s.rp_filter: %s",
			all, ifn, strerror(-rc));
		return -1;
	}
	r = &rpf.ifs[rpf.n_ifs++];
	snprintf(r->name, sizeof(r->name), "%s", ifn);
	r->ifindex = idx;
	r->orig = own;
	r->set = all;
	return 0;
}

/* give back what rpf holds: all. first (with every interface still
 * raised the effective values do not move), then each entry that still
 * has the value we set. Also the undo of a vmac_rpf_hold that failed
 * half-way (all. not changed yet). */
static void rpf_give_back(void)
{
	size_t k, kept = 0, back = 0;
	int cur, rc;

	if (rpf.changed) {
		rc = rpf_get("all", &cur);
		if (rc == 0 && cur == 0)
			rc = rpf_put("all", rpf.all);
		else if (rc == 0)
			log_warn("vmac: net.ipv4.conf.all.rp_filter was set to "
				 "%d meanwhile: not restoring %d",
				 cur, rpf.all);
		if (rc < 0)
			log_err("vmac: restoring net.ipv4.conf.all.rp_filter "
				"to %d: %s",
				rpf.all, strerror(-rc));
	}
	for (k = rpf.n_ifs; k-- > 0;) {
		const struct rpf_if *r = &rpf.ifs[k];

		/* gone, or a new interface of that name: it got its value
		 * from default, which is its effective one, and keeps it */
		if (r->ifindex && if_nametoindex(r->name) != r->ifindex)
			continue;
		if (rpf_get(r->name, &cur) < 0 || cur != r->set) {
			kept++; /* someone else's value now */
			continue;
		}
		rc = rpf_put(r->name, r->orig);
		if (rc == 0)
			back++;
		else if (rc != -ENOENT)
			log_err("vmac: restoring net.ipv4.conf.%s.rp_filter "
				"to %d: %s",
				r->name, r->orig, strerror(-rc));
	}
	if (rpf.changed)
		log_info("vmac: net.ipv4.conf.all.rp_filter restored to %d and "
			 "%zu own rp_filter value(s) given back (%zu changed "
			 "by someone else meanwhile, left alone)",
			 rpf.all, back, kept);
	free(rpf.ifs);
	rpf.ifs = NULL;
	rpf.n_ifs = 0;
	rpf.changed = false;
}

/* "eth0 lo default" of the raised entries, ending in "..." when it does
 * not fit @size (at least 4) */
static void rpf_names(char *out, size_t size)
{
	size_t k, len = 0;
	int n;

	snprintf(out, size, "none");
	for (k = 0; k < rpf.n_ifs; k++) {
		n = snprintf(out + len, size - len, "%s%s", k ? " " : "",
			     rpf.ifs[k].name);
		if (n < 0 || (size_t)n >= size - len) {
			memcpy(out + size - 4, "...", 4);
			return;
		}
		len += (size_t)n;
	}
}

void vmac_rpf_hold(void)
{
	char names[200];
	struct dirent *e;
	int all, rc = 0;
	DIR *d;

	if (rpf.refs++)
		return;
	rc = rpf_get("all", &all);
	if (rc < 0) {
		log_err("vmac: reading net.ipv4.conf.all.rp_filter: %s",
			strerror(-rc));
		return;
	}
	if (all == 0)
		return;
	d = opendir(RPF_DIR);
	if (!d) {
		log_err("vmac: %s: %s", RPF_DIR, strerror(errno));
		return;
	}
	/* every interface first, default next, all. last: no interface's
	 * effective value drops at any moment */
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e) {
			if (errno) {
				log_err("vmac: reading %s: %s", RPF_DIR,
					strerror(errno));
				rc = -1;
			}
			break;
		}
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "all") ||
		    !strcmp(e->d_name, "default"))
			continue;
		rc = rpf_raise(e->d_name, all);
		if (rc < 0)
			break;
	}
	closedir(d);
	/* interfaces created from now on start with default's value: the
	 * effective one they would have had */
	if (rc == 0)
		rc = rpf_raise("default", all);
	if (rc == 0) {
		rc = rpf_put("all", 0);
		if (rc < 0)
			log_err("vmac: writing 0 to "
				"net.ipv4.conf.all.rp_filter: %s",
				strerror(-rc));
	}
	if (rc < 0) {
		rpf_give_back();
		return;
	}
	rpf.all = all;
	rpf.changed = true;
	rpf_names(names, sizeof(names));
	log_info("vmac: net.ipv4.conf.all.rp_filter %d -> 0, as a Backup's "
		 "IPv4 macvlan has no address and would drop the Master's "
		 "adverts (split brain); own rp_filter raised to %d so the "
		 "effective value stays: %s; restored at stop",
		 all, all, names);
}

void vmac_rpf_release(void)
{
	if (!rpf.refs || --rpf.refs)
		return;
	rpf_give_back();
}

int vmac_link_sysctls(const char *name, int family)
{
	int all = -1, rc = rpf_get("all", &all);

	if (rc < 0)
		log_err("vmac: reading net.ipv4.conf.all.rp_filter: %s",
			strerror(-rc));
	/* answer ARP only for the VIPs on the macvlan itself. rp_filter
	 * (effective value max(all, dev)): a Backup's macvlan has no IPv4
	 * address, and the kernel's source validation drops everything
	 * arriving on an address-less interface unless it is off, adverts
	 * included, so off, which vmac_rpf_hold made possible by taking
	 * all. to 0. Should all. still be on (it could not be changed),
	 * loose still lets a Master take VIP traffic whose replies route
	 * out of the base */
	if (sysctl_rw("ipv4", name, "arp_ignore", "1", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "arp_filter", "0", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "rp_filter", all == 0 ? "0" : "2", NULL,
		      0) < 0)
		return -1;
	if (family == AF_INET && all != 0)
		log_warn("vmac: %s: net.ipv4.conf.all.rp_filter is %d: a "
			 "Backup does not hear IPv4 adverts on this macvlan "
			 "(it has no address); set it to 0",
			 name, all);
	/* both routers own the same MAC: DAD would only see each other */
	if (family == AF_INET6 &&
	    sysctl_rw("ipv6", name, "accept_dad", "0", NULL, 0) < 0)
		return -1;
	return 0;
}
