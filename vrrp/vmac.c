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
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vip.h"
#include "vmac.h"

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

static int vmac_sysctls(const char *name, bool ipv6)
{
	/* answer ARP only for the VIPs on the macvlan itself; rp_filter
	 * loose because replies to VIP traffic route out of the base
	 * (effective value is max(all, dev), so 2 also overrides a
	 * strict all.rp_filter without touching other interfaces) */
	if (sysctl_rw("ipv4", name, "arp_ignore", "1", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "arp_filter", "0", NULL, 0) < 0 ||
	    sysctl_rw("ipv4", name, "rp_filter", "2", NULL, 0) < 0)
		return -1;
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

int vrrp_vmac_create(struct mnl_socket *nl, const char *name, const char *base,
		     int family, unsigned vrid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned base_idx = if_nametoindex(base), idx;
	uint8_t mac[6];
	int rc;

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
	if (vmac_sysctls(name, family == AF_INET6) < 0 || base_hold(base) < 0) {
		link_req(nl, RTM_DELLINK, idx, 0, 0);
		return -1;
	}
	rc = link_req(nl, RTM_NEWLINK, idx, IFF_UP, IFF_UP);
	if (rc < 0) {
		log_err("vmac: bringing %s up: %s", name, strerror(-rc));
		link_req(nl, RTM_DELLINK, idx, 0, 0);
		base_release(base);
		return -1;
	}
	log_info("vmac: %s up on %s with MAC "
		 "%02x:%02x:%02x:%02x:%02x:%02x",
		 name, base, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return (int)idx;
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

	if (base_idx)
		rc = remove_ours(nl, name, base_idx, base);
	base_release(base);
	if (rc > 0)
		log_info("vmac: %s removed", name);
	return rc;
}
