/*
 * cfg_kw_vip.c - the list blocks of a vrrp_instance that hold addresses:
 * virtual_ipaddress { }, virtual_ipaddress_excluded { } (with ip-address
 * style options) and unicast_peer { }.
 */
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg_int.h"

typedef struct cfg_vrrp V;

/* ---- virtual_ipaddress { } --------------------------------------------- */

static int parse_scope(struct cfg_ctx *x, const char *s, int *out)
{
	static const struct {
		const char *name;
		int scope;
	} names[] = { { "global", RT_SCOPE_UNIVERSE },
		      { "universe", RT_SCOPE_UNIVERSE },
		      { "site", RT_SCOPE_SITE },
		      { "link", RT_SCOPE_LINK },
		      { "host", RT_SCOPE_HOST },
		      { "nowhere", RT_SCOPE_NOWHERE } };
	unsigned v;
	size_t i;

	for (i = 0; i < CFG_NELEM(names); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].scope;
			return 0;
		}
	if (cfg_arg_uint(x, "scope", s, 0, 255, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static bool is_value_option(const char *o)
{
	static const char *const names[] = { "brd", "broadcast", "peer",
					     "dev", "label",	 "scope" };
	size_t i;

	for (i = 0; i < CFG_NELEM(names); i++)
		if (!strcmp(o, names[i]))
			return true;
	return false;
}

/* "IP[/len] [brd IP] [dev IF] [scope S] [label L] [peer IP] [flags]" */
static int parse_vip(struct cfg_ctx *x, int argc, char **argv,
		     struct cfg_vip *vip)
{
	static const char *const unsupported[] = { "use_vmac", "home",
						   "mngtmpaddr", "autojoin",
						   "preferred_lft" };
	int i;
	size_t j;

	vip->loc = x->loc;
	if (addr_parse_prefix(argv[0], &vip->addr, &vip->prefix) < 0) {
		cfg_err(x, "virtual address '%s' is not ADDRESS[/PREFIX]",
			argv[0]);
		return -1;
	}
	vip->nodad = vip->addr.family == AF_INET6;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;
		int rc = 0;

		for (j = 0; j < CFG_NELEM(unsupported); j++)
			if (!strcmp(o, unsupported[j])) {
				cfg_err(x,
					"address option '%s' is not "
					"supported by directord yet",
					o);
				return -1;
			}
		if (!strcmp(o, "-nodad")) {
			vip->nodad = false;
			continue;
		} else if (!strcmp(o, "nodad")) {
			vip->nodad = true;
			continue;
		} else if (!strcmp(o, "noprefixroute")) {
			vip->noprefixroute = true;
			continue;
		} else if (!strcmp(o, "no_track")) {
			vip->no_track = true;
			continue;
		}
		if (!is_value_option(o)) {
			cfg_err(x, "unknown address option '%s'", o);
			return -1;
		}
		if (!val) {
			cfg_err(x, "address option '%s' needs a value", o);
			return -1;
		}
		if (!strcmp(o, "brd") || !strcmp(o, "broadcast"))
			rc = cfg_arg_addr(x, o, val, &vip->brd);
		else if (!strcmp(o, "peer"))
			rc = cfg_arg_addr(x, o, val, &vip->peer);
		else if (!strcmp(o, "dev"))
			rc = cfg_arg_name(x, o, val, vip->dev, IFNAMSIZ);
		else if (!strcmp(o, "label"))
			rc = cfg_arg_name(x, o, val, vip->label, IFNAMSIZ);
		else
			rc = parse_scope(x, val, &vip->scope);
		if (rc < 0)
			return -1;
		if ((vip->brd.family && vip->brd.family != AF_INET) ||
		    (vip->peer.family &&
		     vip->peer.family != vip->addr.family)) {
			cfg_err(x, "'%s %s' is not of the address's family", o,
				val);
			return -1;
		}
		i++;
	}
	return 0;
}

static void vip_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	V *v = obj;
	struct cfg_vip vip = { 0 };
	char buf[ADDR_STRLEN];

	if (parse_vip(x, argc, argv, &vip) < 0)
		return;
	if (v->n_vips && v->vips[0].addr.family != vip.addr.family) {
		cfg_err(x,
			"(%s) %s address %s in an instance whose first "
			"virtual_ipaddress is %s (use "
			"virtual_ipaddress_excluded for other families)",
			v->name, cfg_family_name(vip.addr.family),
			addr_fmt(&vip.addr, buf),
			cfg_family_name(v->vips[0].addr.family));
		return;
	}
	*(struct cfg_vip *)cfg_push(&v->vips, &v->n_vips, sizeof(vip)) = vip;
}

static void evip_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	V *v = obj;
	struct cfg_vip vip = { 0 };

	if (parse_vip(x, argc, argv, &vip) == 0)
		*(struct cfg_vip *)cfg_push(&v->evips, &v->n_evips,
					    sizeof(vip)) = vip;
}

const struct cfg_block cfg_blk_vip = {
	.name = "virtual_ipaddress",
	.item = vip_item,
};
const struct cfg_block cfg_blk_evip = {
	.name = "virtual_ipaddress_excluded",
	.item = evip_item,
};

/* ---- unicast_peer { IP [min_ttl N] [max_ttl N] } ------------------------ */

static void peer_item(struct cfg_ctx *x, void *obj, int argc, char **argv)
{
	V *v = obj;
	struct cfg_peer p = { .loc = x->loc, .min_ttl = -1, .max_ttl = -1 };
	int i;

	if (cfg_arg_addr(x, "unicast_peer", argv[0], &p.addr) < 0)
		return;
	for (i = 1; i < argc; i += 2) {
		int *dst = !strcmp(argv[i], "min_ttl") ? &p.min_ttl :
			   !strcmp(argv[i], "max_ttl") ? &p.max_ttl :
							 NULL;
		if (!dst || i + 1 >= argc) {
			cfg_err(x,
				"unicast_peer option '%s' is not 'min_ttl N' "
				"or 'max_ttl N'",
				argv[i]);
			return;
		}
		if (cfg_arg_int(x, argv[i], argv[i + 1], 0, 255, dst) < 0)
			return;
	}
	*(struct cfg_peer *)cfg_push(&v->peers, &v->n_peers, sizeof(p)) = p;
}

const struct cfg_block cfg_blk_peer = {
	.name = "unicast_peer",
	.item = peer_item,
};
