/*
 * vmac.c - the macvlan of `use_vmac`: names and MACs, the RTM_NEWLINK
 * request, and creating/removing the interface. Its sysctls are in
 * vmac_sysctl.c; the record of what we created and the recreation after a
 * deletion behind our back in vmac_watch.c.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "vip.h"
#include "vmac.h"
#include "vmac_int.h"

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

/* ---- create / delete -------------------------------------------------- */

int vmac_remove_ours(struct mnl_socket *nl, const char *name,
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

int vmac_make_link(struct mnl_socket *nl, const char *name, const char *base,
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
	if (vmac_link_sysctls(name, family) < 0) {
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
	rc = vmac_remove_ours(nl, name, base_idx, base);
	if (rc < 0)
		return -1;
	if (rc > 0)
		log_info("vmac: removed leftover %s of a previous run", name);
	if (vmac_base_hold(base) < 0)
		return -1;
	/* before the link exists: it is not one of the interfaces whose
	 * rp_filter is raised, and comes up with all.rp_filter already 0 */
	if (family == AF_INET)
		vmac_rpf_hold();
	idx = vmac_make_link(nl, name, base, base_idx, family, vrid);
	if (idx >= 0 &&
	    vmac_rec_add(name, base, family, vrid, (unsigned)idx) < 0) {
		link_req(nl, RTM_DELLINK, (unsigned)idx, 0, 0);
		idx = -1;
	}
	if (idx < 0) {
		if (family == AF_INET)
			vmac_rpf_release();
		vmac_base_release(base);
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
	int rc = 0, family;

	/* forgotten first: the RTM_DELLINK of our own removal (read later
	 * by the monitor) must not look like a deletion behind our back */
	family = vmac_rec_del(name);
	if (base_idx)
		rc = vmac_remove_ours(nl, name, base_idx, base);
	vmac_base_release(base);
	if (rc > 0)
		log_info("vmac: %s removed", name);
	/* after the removal: the macvlan's own rp_filter of 0 is gone with
	 * it, so the last IPv4 one out can give all.rp_filter back */
	if (family == AF_INET)
		vmac_rpf_release();
	return rc;
}
