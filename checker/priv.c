/* priv.c - drop root in the checker when the configuration allows it. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "log.h"
#include "sysctl.h"
#include "checker/checker.h"
#include "checker/priv.h"
#include "checker/script.h"

static int priv_cmd_other(const struct cfg_cmd *cmd, const char *user)
{
	return cmd->cmd && cmd->user && strcmp(cmd->user, user) != 0;
}

int chk_priv_need(const struct cfg *c, const char *user, int icmp_ok, char *why,
		  size_t len)
{
	size_t i, j, k;

	for (i = 0; i < c->n_vss; i++) {
		const struct cfg_vs *vs = &c->vss[i];

		if (priv_cmd_other(&vs->quorum_up, user) ||
		    priv_cmd_other(&vs->quorum_down, user)) {
			snprintf(why, len,
				 "a quorum script runs as another "
				 "user");
			return 1;
		}
		for (j = 0; j < vs->n_rss; j++) {
			const struct cfg_rs *rs = &vs->rss[j];

			if (priv_cmd_other(cfg_rs_notify(rs, true), user) ||
			    priv_cmd_other(cfg_rs_notify(rs, false), user)) {
				snprintf(why, len,
					 "a notify script runs as "
					 "another user");
				return 1;
			}
			for (k = 0; k < rs->n_checks; k++) {
				const struct cfg_check *cc = &rs->checks[k];

				if (cc->fwmark) {
					snprintf(why, len,
						 "fwmark needs CAP_NET_ADMIN");
					return 1;
				}
				if (cc->bind_port && cc->bind_port < 1024) {
					snprintf(why, len,
						 "bind_port %u needs "
						 "CAP_NET_BIND_SERVICE",
						 cc->bind_port);
					return 1;
				}
				if (cc->type == CFG_CHK_PING && !icmp_ok) {
					snprintf(why, len,
						 "PING_CHECK needs a raw ICMP "
						 "socket (ping_group_range)");
					return 1;
				}
				if (cc->type == CFG_CHK_MISC &&
				    priv_cmd_other(&cc->misc_path, user)) {
					snprintf(why, len,
						 "a MISC_CHECK runs as another "
						 "user");
					return 1;
				}
			}
		}
	}
	return 0;
}

/* is @gid inside net.ipv4.ping_group_range? */
static int priv_icmp_ok(gid_t gid)
{
	unsigned long lo, hi;
	char buf[64];

	if (sysctl_get("/proc/sys/net/ipv4/ping_group_range", buf,
		       sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu", &lo, &hi) != 2)
		return 0;
	return gid >= lo && gid <= hi;
}

#define PRIV_MAX_GROUPS 64

/* credentials resolved before exec (chk_priv_preset), for one user */
static struct {
	char user[64];
	uid_t uid;
	gid_t gid;
	gid_t groups[PRIV_MAX_GROUPS];
	int n_groups;
} priv_pre;
static bool priv_pre_set;

int chk_priv_resolve(const struct cfg *c, char *buf, size_t len)
{
	const char *user = chk_script_user(c);
	gid_t groups[PRIV_MAX_GROUPS];
	int n = PRIV_MAX_GROUPS, i;
	struct passwd *pw;
	size_t off;

	pw = getpwnam(user);
	if (!pw || strlen(user) >= sizeof(priv_pre.user) || strchr(user, ':') ||
	    getgrouplist(user, pw->pw_gid, groups, &n) < 0)
		return -1; /* the checker looks again, and says why */
	off = (size_t)snprintf(buf, len, "%s:%u:%u:", user,
			       (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u",
					i ? "," : "", (unsigned)groups[i]);
	return off < len ? 0 : -1;
}

/* priv_num - parse an id up to @end; NULL when malformed */
static const char *priv_num(const char *s, char end, unsigned *v)
{
	char *e;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &e, 10);
	if (errno || e == s || *e != end || n > 0xfffffffful)
		return NULL;
	*v = (unsigned)n;
	return e + (end ? 1 : 0);
}

int chk_priv_preset(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : 0;
	unsigned uid, gid, g;

	priv_pre_set = false;
	if (!ulen || ulen >= sizeof(priv_pre.user))
		return -1;
	memcpy(priv_pre.user, s, ulen);
	priv_pre.user[ulen] = '\0';
	s = priv_num(colon + 1, ':', &uid);
	if (s)
		s = priv_num(s, ':', &gid);
	if (!s)
		return -1;
	priv_pre.uid = uid;
	priv_pre.gid = gid;
	priv_pre.n_groups = 0;
	while (*s) {
		const char *e = strchr(s, ',');

		if (priv_pre.n_groups == PRIV_MAX_GROUPS)
			return -1;
		s = priv_num(s, e ? ',' : '\0', &g);
		if (!s)
			return -1;
		priv_pre.groups[priv_pre.n_groups++] = g;
	}
	priv_pre_set = true;
	return 0;
}

void chk_priv_drop(struct chk_engine *e)
{
	const char *user = chk_script_user(e->gen->cfg);
	bool pre = priv_pre_set && strcmp(priv_pre.user, user) == 0;
	struct passwd *pw = NULL;
	uid_t uid;
	gid_t gid;
	char why[128];

	if (geteuid() != 0) {
		e->dropped = true;
		return;
	}
	if (pre) {
		uid = priv_pre.uid;
		gid = priv_pre.gid;
	} else {
		pw = getpwnam(user);
		if (!pw) {
			log_warn("checker: user %s unknown; staying root",
				 user);
			return;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (chk_priv_need(e->gen->cfg, user, priv_icmp_ok(gid), why,
			  sizeof(why))) {
		log_info("checker: staying root: %s", why);
		return;
	}
	if ((pre ? setgroups((size_t)priv_pre.n_groups, priv_pre.groups) :
		   initgroups(pw->pw_name, gid)) < 0 ||
	    setgid(gid) < 0 || setuid(uid) < 0) {
		log_err("checker: cannot become %s: %s; exiting", user,
			strerror(errno));
		_exit(1);
	}
	e->dropped = true;
	log_info("checker: running as %s (uid %u)", user, (unsigned)uid);
}

void chk_priv_check(struct chk_engine *e)
{
	char why[128];

	if (!e->dropped || geteuid() == 0)
		return;
	if (chk_priv_need(e->gen->cfg, chk_script_user(e->gen->cfg),
			  priv_icmp_ok(getegid()), why, sizeof(why)))
		log_warn("checker: the new configuration needs root (%s) but "
			 "the checker runs unprivileged; restart directord",
			 why);
}
