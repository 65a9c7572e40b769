/*
 * vmac.c - the macvlan of `use_vmac`: names and MACs, the RTM_NEWLINK
 * request, and creating/removing the interface with its sysctls.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "advert.h"
#include "announce.h"
#include "evloop.h"
#include "instance.h"
#include "log.h"
#include "proc.h"
#include "sock.h"
#include "track.h"
#include "vip.h"
#include "vmac.h"

/* a macvlan that lived this long since its last recreation is stable
 * again: the next deletion starts the back-off from the beginning */
#define VMAC_STABLE_US 30000000ULL
#define VMAC_RETRY_FIRST_US 100000ULL
#define VMAC_RETRY_MAX_US 10000000ULL

int vrrp_vmac_name(const char *cfg_name, int family, unsigned vrid,
		   char out[IFNAMSIZ])
{
	int n;

	if (cfg_name && cfg_name[0])
		n = snprintf(out, IFNAMSIZ, "%s", cfg_name);
	else
		n = snprintf(out, IFNAMSIZ, "%s.%u",
			     family == AF_INET6 ? "vrrp6" : "vrrp", vrid);
	return n > 0 && n < IFNAMSIZ ? 0 : -1;
}

void vrrp_vmac_mac(int family, unsigned vrid, uint8_t mac[6])
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = (uint8_t)vrid;
}

struct nlmsghdr *vrrp_vmac_build_create(void *buf, const char *name,
					unsigned base_ifindex,
					const uint8_t mac[6], unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags =
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, base_ifindex);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* private: the macvlan hears nothing from its siblings, as
	 * keepalived configures it */
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

static int info_cb(const struct nlattr *a, void *arg)
{
	struct vrrp_vmac_link *out = arg;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0 &&
	    !strcmp(mnl_attr_get_str(a), "macvlan"))
		out->macvlan = true;
	return MNL_CB_OK;
}

static int link_cb(const struct nlattr *a, void *arg)
{
	struct vrrp_vmac_link *out = arg;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(out->name, sizeof(out->name), "%s",
				 mnl_attr_get_str(a));
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			out->link = mnl_attr_get_u32(a);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6) {
			memcpy(out->mac, mnl_attr_get_payload(a), 6);
			out->has_mac = true;
		}
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0)
			mnl_attr_parse_nested(a, info_cb, out);
		break;
	}
	return MNL_CB_OK;
}

int vrrp_vmac_parse_link(const struct nlmsghdr *nlh, struct vrrp_vmac_link *out)
{
	const struct ifinfomsg *ifi;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	out->ifindex = (unsigned)ifi->ifi_index;
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_cb, out) < 0)
		return -1;
	return 0;
}

/* ---- I/O -------------------------------------------------------------- */

static int getlink_cb(const struct nlmsghdr *nlh, void *arg)
{
	return vrrp_vmac_parse_link(nlh, arg) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int get_link(struct mnl_socket *nl, unsigned ifindex,
		    struct vrrp_vmac_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int rc;

	nlh->nlmsg_type = RTM_GETLINK;
	/* the ACK after the answer ends vrrp_nl_talk()'s loop */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	memset(out, 0, sizeof(*out));
	rc = vrrp_nl_talk(nl, nlh, getlink_cb, out);
	if (rc == 0 && out->ifindex != ifindex)
		rc = -ENODEV;
	return rc;
}

static int link_req(struct mnl_socket *nl, int type, unsigned ifindex,
		    unsigned flags, unsigned change)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return vrrp_nl_talk(nl, nlh, NULL, NULL);
}

/* IPv6 address generation "none" (the kernel refuses IFLA_AF_SPEC at
 * creation): set while the link is still down, before the kernel would
 * derive a link-local from the virtual MAC, which both routers share */
static int addrgen_none(struct mnl_socket *nl, unsigned ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *spec, *af;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	af = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, af);
	mnl_attr_nest_end(nlh, spec);
	return vrrp_nl_talk(nl, nlh, NULL, NULL);
}

/* ---- sysctls ---------------------------------------------------------- */

static int sysctl_rw(const char *fam, const char *ifn, const char *key,
		     const char *val, char *old, size_t oldsz)
{
	char path[160];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifn,
		 key);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_err("vmac: %s: %s", path, strerror(errno));
		return -1;
	}
	if (old) {
		n = read(fd, old, oldsz - 1);
		old[n > 0 ? n : 0] = '\0';
		old[strcspn(old, "\n")] = '\0';
		if (lseek(fd, 0, SEEK_SET) < 0)
			n = -1;
		if (n <= 0) {
			log_err("vmac: reading %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	n = write(fd, val, strlen(val));
	if (n != (ssize_t)strlen(val)) {
		log_err("vmac: writing %s to %s: %s", val, path,
			strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* the base interfaces whose sysctls we changed, with their old values:
 * several instances can share a base, the last one out restores */
#define VMAC_BASES 16
static struct vmac_base {
	char name[IFNAMSIZ];
	int refs;
	char arp_ignore[16], arp_filter[16], arp_announce[16];
} bases[VMAC_BASES];

static struct vmac_base *base_find(const char *name)
{
	size_t k;

	for (k = 0; k < VMAC_BASES; k++)
		if (bases[k].refs && !strcmp(bases[k].name, name))
			return &bases[k];
	return NULL;
}

static int base_hold(const char *name)
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
	/* base answers no ARP for addresses it does not hold (the VIPs
	 * live on the macvlan, whose MAC must be the one answered), and its
	 * own ARP requests carry its own address, not a VIP: a neighbour
	 * learns the sender of a request, and would map the VIP to the
	 * base MAC */
	if (sysctl_rw("ipv4", name, "arp_ignore", "1", b->arp_ignore,
		      sizeof(b->arp_ignore)) < 0 ||
	    sysctl_rw("ipv4", name, "arp_filter", "1", b->arp_filter,
		      sizeof(b->arp_filter)) < 0 ||
	    sysctl_rw("ipv4", name, "arp_announce", "2", b->arp_announce,
		      sizeof(b->arp_announce)) < 0)
		return -1;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->refs = 1;
	return 0;
}

static void base_release(const char *name)
{
	struct vmac_base *b = base_find(name);

	if (!b || --b->refs > 0)
		return;
	sysctl_rw("ipv4", name, "arp_ignore", b->arp_ignore, NULL, 0);
	sysctl_rw("ipv4", name, "arp_filter", b->arp_filter, NULL, 0);
	sysctl_rw("ipv4", name, "arp_announce", b->arp_announce, NULL, 0);
}

/* a base that came back (deleted and created again) has fresh sysctls:
 * set ours again, keeping the originals saved when it was first held */
static int base_reapply(const char *name)
{
	if (sysctl_rw("ipv4", name, "arp_ignore", "1", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "arp_filter", "1", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "arp_announce", "2", NULL, 0) < 0)
		return -1;
	return 0;
}

/* net.ipv4.conf.all.rp_filter, -1 (logged) when unreadable */
static int all_rp_filter(void)
{
	static const char path[] = "/proc/sys/net/ipv4/conf/all/rp_filter";
	char buf[16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_err("vmac: %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		log_err("vmac: reading %s: %s", path,
			n < 0 ? strerror(errno) : "empty");
		close(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	return atoi(buf);
}

static int vmac_sysctls(const char *name, bool ipv6)
{
	int all = all_rp_filter();

	/* answer ARP only for the VIPs on the macvlan itself. rp_filter
	 * (effective value max(all, dev)): a Backup's macvlan has no IPv4
	 * address, and the kernel's source validation drops everything
	 * arriving on an address-less interface unless it is off, adverts
	 * included, so off when all. is off; under a strict all. loose
	 * still lets a Master take VIP traffic whose replies route out of
	 * the base */
	if (sysctl_rw("ipv4", name, "arp_ignore", "1", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "arp_filter", "0", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "rp_filter", all == 0 ? "0" : "2", NULL,
		      0) < 0)
		return -1;
	if (all != 0)
		log_warn("vmac: %s: net.ipv4.conf.all.rp_filter is %d: a "
			 "Backup does not hear IPv4 adverts on this macvlan "
			 "(it has no address); set it to 0",
			 name, all);
	/* both routers own the same MAC: DAD would only see each other */
	if (ipv6 && sysctl_rw("ipv6", name, "accept_dad", "0", NULL, 0) < 0)
		return -1;
	return 0;
}

/* ---- create / delete -------------------------------------------------- */

/* remove a leftover; 1 removed, 0 none, -1 not ours or error (logged) */
static int remove_ours(struct mnl_socket *nl, const char *name,
		       unsigned base_ifindex, const char *base)
{
	struct vrrp_vmac_link l;
	unsigned idx = if_nametoindex(name);
	int rc;

	if (!idx)
		return 0;
	rc = get_link(nl, idx, &l);
	if (rc < 0) {
		log_err("vmac: %s: reading the link: %s", name, strerror(-rc));
		return -1;
	}
	if (!l.macvlan || l.link != base_ifindex) {
		log_err("vmac: %s exists and is not a macvlan on %s: leaving "
			"it alone",
			name, base);
		return -1;
	}
	rc = link_req(nl, RTM_DELLINK, idx, 0, 0);
	if (rc < 0 && rc != -ENODEV) {
		log_err("vmac: removing %s: %s", name, strerror(-rc));
		return -1;
	}
	return 1;
}

/* what we keep of every macvlan we created: enough to recreate it, and
 * the recreation state after a deletion behind our back */
struct vmac_rec {
	struct vmac_rec *next;
	char name[IFNAMSIZ], base[IFNAMSIZ];
	int family;
	unsigned vrid;
	unsigned ifindex; /* 0 while it is missing */
	unsigned tries; /* recreations since it was last stable */
	uint64_t made_us; /* when it was last (re)created */
	bool held_fault; /* its instance is held in FAULT until it is back */
	bool wait_base; /* the base is gone: retry when it reappears */
	struct vrrp_proc *p; /* set once it was lost (for the timer) */
	struct ev_timer *retry;
};

static struct vmac_rec *recs;

static struct vmac_rec *rec_by_name(const char *name)
{
	struct vmac_rec *r;

	for (r = recs; r; r = r->next)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

static struct vmac_rec *rec_by_index(unsigned ifindex)
{
	struct vmac_rec *r;

	for (r = recs; r && ifindex; r = r->next)
		if (r->ifindex == ifindex)
			return r;
	return NULL;
}

/* remember a macvlan we created; -1 (logged) when out of memory */
static int rec_add(const char *name, const char *base, int family,
		   unsigned vrid, unsigned ifindex)
{
	struct vmac_rec *r = rec_by_name(name);

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			log_err("vmac: %s: out of memory", name);
			return -1;
		}
		r->next = recs;
		recs = r;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->base, sizeof(r->base), "%s", base);
	r->family = family;
	r->vrid = vrid;
	r->ifindex = ifindex;
	r->made_us = ev_now_us();
	return 0;
}

static void rec_del(const char *name)
{
	struct vmac_rec **pp, *r;

	for (pp = &recs; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name))
			continue;
		r = *pp;
		*pp = r->next;
		if (r->retry && r->p)
			ev_timer_cancel(r->p->loop, r->retry);
		free(r);
		return;
	}
}

/* create the macvlan (down), set its sysctls, bring it up; the base's
 * sysctls are the caller's. Returns the index or -1 (logged). */
static int make_link(struct mnl_socket *nl, const char *name, const char *base,
		     unsigned base_idx, int family, unsigned vrid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint8_t mac[6];
	unsigned idx;
	int rc;

	vrrp_vmac_mac(family, vrid, mac);
	rc = vrrp_nl_talk(nl,
			  vrrp_vmac_build_create(buf, name, base_idx, mac,
						 (unsigned)time(NULL)),
			  NULL, NULL);
	if (rc < 0) {
		log_err("vmac: creating macvlan %s on %s: %s", name, base,
			strerror(-rc));
		return -1;
	}
	idx = if_nametoindex(name);
	if (!idx) {
		log_err("vmac: %s vanished after creation", name);
		return -1;
	}
	if (family == AF_INET6) {
		rc = addrgen_none(nl, idx);
		if (rc < 0) {
			log_err("vmac: %s: addrgenmode none: %s", name,
				strerror(-rc));
			link_req(nl, RTM_DELLINK, idx, 0, 0);
			return -1;
		}
	}
	if (vmac_sysctls(name, family == AF_INET6) < 0) {
		link_req(nl, RTM_DELLINK, idx, 0, 0);
		return -1;
	}
	rc = link_req(nl, RTM_NEWLINK, idx, IFF_UP, IFF_UP);
	if (rc < 0) {
		log_err("vmac: bringing %s up: %s", name, strerror(-rc));
		link_req(nl, RTM_DELLINK, idx, 0, 0);
		return -1;
	}
	log_info("vmac: %s up on %s with MAC "
		 "%02x:%02x:%02x:%02x:%02x:%02x",
		 name, base, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return (int)idx;
}

int vrrp_vmac_create(struct mnl_socket *nl, const char *name, const char *base,
		     int family, unsigned vrid)
{
	unsigned base_idx = if_nametoindex(base);
	int rc, idx;

	if (!base_idx) {
		log_err("vmac: %s: base interface %s: %s", name, base,
			strerror(errno));
		return -1;
	}
	rc = remove_ours(nl, name, base_idx, base);
	if (rc < 0)
		return -1;
	if (rc > 0)
		log_info("vmac: removed leftover %s of a previous run", name);
	if (base_hold(base) < 0)
		return -1;
	idx = make_link(nl, name, base, base_idx, family, vrid);
	if (idx < 0) {
		base_release(base);
		return -1;
	}
	if (rec_add(name, base, family, vrid, (unsigned)idx) < 0) {
		link_req(nl, RTM_DELLINK, (unsigned)idx, 0, 0);
		base_release(base);
		return -1;
	}
	return idx;
}

int vrrp_vmac_add_ll(struct mnl_socket *nl, const char *name,
		     const struct addr *ll)
{
	struct cfg_vip v;

	memset(&v, 0, sizeof(v));
	v.addr = *ll;
	v.prefix = 64;
	v.scope = RT_SCOPE_LINK;
	v.nodad = true;
	snprintf(v.dev, sizeof(v.dev), "%s", name);
	return vrrp_vip_add(nl, &v, name) < 0 ? -1 : 0;
}

int vrrp_vmac_delete(struct mnl_socket *nl, const char *name, const char *base)
{
	unsigned base_idx = if_nametoindex(base);
	int rc = 0;

	/* forgotten first: the RTM_DELLINK of our own removal (read later
	 * by the monitor) must not look like a deletion behind our back */
	rec_del(name);
	if (base_idx)
		rc = remove_ours(nl, name, base_idx, base);
	base_release(base);
	if (rc > 0)
		log_info("vmac: %s removed", name);
	return rc;
}

/* ---- recreation after a deletion behind our back ---------------------- */

bool vrrp_vmac_backoff(unsigned tries, uint64_t *delay_us)
{
	uint64_t d = VMAC_RETRY_FIRST_US;
	unsigned k;

	if (tries >= VRRP_VMAC_TRIES)
		return false;
	if (!tries) {
		*delay_us = 0;
		return true;
	}
	for (k = 1; k < tries && d < VMAC_RETRY_MAX_US; k++)
		d *= 2;
	*delay_us = d < VMAC_RETRY_MAX_US ? d : VMAC_RETRY_MAX_US;
	return true;
}

bool vrrp_vmac_fault_held(const char *name)
{
	const struct vmac_rec *r = rec_by_name(name);

	return r && r->held_fault;
}

/* the running instance whose macvlan @r is (NULL: none, or stopping) */
static struct vrrp_inst *rec_owner(const struct vmac_rec *r)
{
	struct vrrp_proc *p = r->p;
	size_t k;

	if (!p || p->stopping)
		return NULL;
	for (k = 0; k < p->n_insts; k++) {
		struct vrrp_inst *i = p->insts[k];

		if (i && i->vmac_up && !strcmp(i->vif, r->name))
			return i;
	}
	return NULL;
}

/* hold @i in FAULT while its macvlan is missing: a Master cannot serve
 * VIPs that have no interface, so the peer must take over */
static void hold_fault(struct vmac_rec *r, struct vrrp_inst *i)
{
	struct vrrp_fsm_event ev = { .type = VRRP_EV_FAULT_ON };

	if (r->held_fault)
		return;
	r->held_fault = true;
	vrrp_inst_event(i, &ev);
	vrrp_proc_status_changed(i->p);
}

/* adverts leave from the macvlan unless vmac_xmit_base or unicast peers
 * send them from the base (instance.c, adv_ifname) */
static bool adverts_on_vmac(const struct cfg_vrrp *c)
{
	return c->use_vmac && !c->vmac_xmit_base && !c->n_peers;
}

/* the advert socket was bound to the deleted interface: open one on the
 * new one (the pool finds sockets by name, so the old one goes first) */
static int sock_reopen(struct vmac_rec *r, struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	const struct cfg_global *g = &i->p->cfg->global;
	struct vrrp_sock *s;

	if (i->sock) {
		vrrp_sock_detach(i->sock, c->vrid, i);
		vrrp_sock_put(&i->p->socks, i->sock);
		i->sock = NULL;
	}
	s = vrrp_sock_get(&i->p->socks, i->p->loop, c->family, r->name,
			  c->family == AF_INET ? &g->vrrp_mcast_group4 :
						 &g->vrrp_mcast_group6);
	if (!s)
		return -1;
	if (vrrp_sock_attach(s, c->vrid, vrrp_advert_rx, i) < 0) {
		vrrp_sock_put(&i->p->socks, s);
		return -1;
	}
	i->sock = s;
	return 0;
}

/* recreate the link and what hangs on it; -1 (logged) on failure */
static int rebuild(struct vmac_rec *r, struct vrrp_inst *i)
{
	struct mnl_socket *nl = i->p->nl;
	unsigned base_idx = if_nametoindex(r->base);
	int idx;

	/* from here on a deletion of that index is our own doing (a
	 * half-made macvlan of a failed attempt is replaced below) */
	r->ifindex = 0;
	if (!base_idx)
		return -1;
	/* whatever took the name meanwhile: ours is replaced, anything
	 * else is left alone (and this attempt fails) */
	if (remove_ours(nl, r->name, base_idx, r->base) < 0)
		return -1;
	if (base_reapply(r->base) < 0)
		return -1;
	idx = make_link(nl, r->name, r->base, base_idx, r->family, r->vrid);
	if (idx < 0)
		return -1;
	r->ifindex = (unsigned)idx;
	r->made_us = ev_now_us();
	if (adverts_on_vmac(i->c) && sock_reopen(r, i) < 0) {
		log_err("(%s) %s: no advert socket on the recreated macvlan",
			i->c->name, r->name);
		return -1;
	}
	if (r->family == AF_INET6 && i->src.family == AF_INET6 &&
	    vrrp_vmac_add_ll(nl, r->name, &i->src) < 0)
		return -1;
	return 0;
}

/* back: a Master re-adds its VIPs and announces them as after a
 * transition; an instance held in FAULT leaves it (trackers permitting) */
static void restored(struct vmac_rec *r, struct vrrp_inst *i)
{
	const struct cfg_vrrp *c = i->c;
	struct vrrp_fsm_event ev = { .type = VRRP_EV_FAULT_OFF };
	char ab[ADDR_STRLEN];
	size_t k;

	r->wait_base = false;
	log_info("(%s) macvlan %s recreated on %s (index %u)", c->name, r->name,
		 r->base, r->ifindex);
	if (r->held_fault) {
		r->held_fault = false;
		/* the trackers were not applied while the socket was gone */
		vrrp_track_apply(i);
		if (!i->fault)
			vrrp_inst_event(i, &ev);
	} else if (i->fsm.state == VRRP_STATE_MASTER && i->vips_up) {
		vrrp_advert_send(i, i->fsm.priority);
		for (k = 0; k < c->n_vips + c->n_evips; k++) {
			const struct cfg_vip *v =
				k < c->n_vips ? &c->vips[k] :
						&c->evips[k - c->n_vips];

			if (vrrp_vip_add(i->p->nl, v, i->vif) > 0)
				log_info("(%s) adding %s/%u to %s", c->name,
					 addr_fmt(&v->addr, ab), v->prefix,
					 vrrp_vip_ifname(v, i->vif));
		}
		vrrp_announce_burst(i, c->garp_master_repeat);
		if (c->garp_master_delay_us)
			vrrp_announce_later(i, c->garp_master_delay_us,
					    c->garp_master_repeat);
	}
	vrrp_proc_status_changed(i->p);
}

static void attempt(struct vmac_rec *r, struct vrrp_inst *i);

static void retry_fire(struct ev_loop *l, void *arg)
{
	struct vmac_rec *r = arg;
	struct vrrp_inst *i;

	r->retry = NULL;
	i = rec_owner(r);
	if (i)
		attempt(r, i);
}

/* the next attempt, now or after the back-off, or give up */
static void schedule(struct vmac_rec *r, struct vrrp_inst *i)
{
	uint64_t d;

	if (!vrrp_vmac_backoff(r->tries, &d)) {
		log_err("(%s) giving up recreating macvlan %s after %u "
			"attempts: FAULT until directord is restarted",
			i->c->name, r->name, r->tries);
		hold_fault(r, i);
		return;
	}
	r->tries++;
	if (!d) {
		attempt(r, i);
		return;
	}
	/* no Master without its VIPs' interface while waiting: FAULT
	 * makes it step aside for the peer (its own Master_Down) */
	hold_fault(r, i);
	r->retry = ev_timer_add(i->p->loop, ev_now_us() + d, retry_fire, r);
	if (!r->retry) {
		log_err("(%s) %s: cannot arm the retry timer: out of memory",
			i->c->name, r->name);
		return;
	}
	log_info("(%s) retrying macvlan %s in %llu ms (attempt %u of %u)",
		 i->c->name, r->name, (unsigned long long)d / 1000, r->tries,
		 VRRP_VMAC_TRIES);
}

static void attempt(struct vmac_rec *r, struct vrrp_inst *i)
{
	if (!if_nametoindex(r->base)) {
		log_warn("(%s) base interface %s of macvlan %s is gone: "
			 "FAULT until it is back",
			 i->c->name, r->base, r->name);
		r->wait_base = true;
		hold_fault(r, i);
		return;
	}
	r->wait_base = false;
	if (rebuild(r, i) == 0) {
		restored(r, i);
		return;
	}
	log_warn("(%s) recreating macvlan %s on %s failed", i->c->name, r->name,
		 r->base);
	hold_fault(r, i);
	schedule(r, i);
}

void vrrp_vmac_link_del(struct vrrp_proc *p, unsigned ifindex,
			const char *ifname)
{
	struct vmac_rec *r = rec_by_index(ifindex);
	struct vrrp_inst *i;

	if (!r)
		return;
	r->p = p;
	i = rec_owner(r);
	if (!i)
		return;
	r->ifindex = 0;
	if (ev_now_us() - r->made_us >= VMAC_STABLE_US)
		r->tries = 0;
	log_warn("(%s) macvlan %s (index %u) was deleted behind our back: "
		 "recreating it",
		 i->c->name, ifname[0] ? ifname : r->name, ifindex);
	if (r->retry) /* cannot be armed while it existed; be safe */
		ev_timer_cancel(p->loop, r->retry);
	r->retry = NULL;
	schedule(r, i);
}

void vrrp_vmac_link_new(struct vrrp_proc *p, const char *ifname)
{
	struct vmac_rec *r;
	struct vrrp_inst *i;

	for (r = recs; r; r = r->next) {
		/* the DELLINK of the base itself comes through here too */
		if (!r->wait_base || r->retry || strcmp(r->base, ifname) ||
		    !if_nametoindex(ifname))
			continue;
		r->p = p;
		i = rec_owner(r);
		if (!i)
			continue;
		log_info("(%s) base interface %s is back: recreating macvlan "
			 "%s",
			 i->c->name, r->base, r->name);
		r->tries = 0;
		schedule(r, i);
	}
}
