/* priv.c - drop root in the checker when the configuration allows it. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "log.h"
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

			if (priv_cmd_other(&rs->notify_up, user) ||
			    priv_cmd_other(&rs->notify_down, user)) {
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
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
	unsigned long lo, hi;
	int ok = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &lo, &hi) == 2)
		ok = gid >= lo && gid <= hi;
	fclose(f);
	return ok;
}

void chk_priv_drop(struct chk_engine *e)
{
	const char *user = chk_script_user(e->gen->cfg);
	struct passwd *pw;
	char why[128];

	if (geteuid() != 0) {
		e->dropped = true;
		return;
	}
	pw = getpwnam(user);
	if (!pw) {
		log_warn("checker: user %s unknown; staying root", user);
		return;
	}
	if (chk_priv_need(e->gen->cfg, user, priv_icmp_ok(pw->pw_gid), why,
			  sizeof(why))) {
		log_info("checker: staying root: %s", why);
		return;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		log_err("checker: cannot become %s: %s; exiting", user,
			strerror(errno));
		_exit(1);
	}
	e->dropped = true;
	log_info("checker: running as %s (uid %u)", user, (unsigned)pw->pw_uid);
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
