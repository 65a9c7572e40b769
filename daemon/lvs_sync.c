/*
 * lvs_sync.c - lvs_sync_daemon: the kernel's connection-sync daemon runs as
 * master while the named VRRP instance is MASTER and as backup otherwise,
 * so that the backup director holds the connection table when it takes
 * over (keepalived's ipvs_syncd_master / ipvs_syncd_backup).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "lvs_int.h"

static const char *state_name(enum fwd_sync_state s)
{
	return s == FWD_SYNC_MASTER ? "master" : "backup";
}

static bool conf_same(const struct cfg_sync_daemon *a,
		      const struct cfg_sync_daemon *b)
{
	return a->set == b->set && !strcmp(a->ifname, b->ifname) &&
	       !strcmp(a->instance, b->instance) && a->syncid == b->syncid &&
	       a->maxlen == b->maxlen && a->port == b->port &&
	       a->ttl == b->ttl && addr_eq(&a->group, &b->group);
}

static void stop(struct lvs *l, enum fwd_sync_state s)
{
	int err = l->be->sync_stop(l->h, s);

	/* -ESRCH: it was not running (stopped by hand) */
	if (err && err != -ESRCH)
		log_err("lvs_sync_daemon %s: stop %s daemon: %s",
			l->sync.conf.ifname, state_name(s), strerror(-err));
	else
		l->sync.running &= ~(int)s;
}

int lvs_sync_apply(struct lvs *l)
{
	const struct cfg_sync_daemon *c = &l->sync.conf;
	enum fwd_sync_state want = l->sync.want;
	enum fwd_sync_state other =
		want == FWD_SYNC_MASTER ? FWD_SYNC_BACKUP : FWD_SYNC_MASTER;
	struct fwd_sync s;
	int err;

	if (!c->set)
		return 0;
	if (l->sync.running & other)
		stop(l, other);
	if (l->sync.running & want)
		return 0;
	memset(&s, 0, sizeof(s));
	s.state = want;
	snprintf(s.ifname, sizeof(s.ifname), "%s", c->ifname);
	s.syncid = c->syncid;
	s.maxlen = c->maxlen > 0xffff ? 0xffff : (uint16_t)c->maxlen;
	s.group = c->group;
	s.port = c->port;
	s.ttl = c->ttl;
	err = l->be->sync_start(l->h, &s);
	if (err && err != -EEXIST) {
		log_err("lvs_sync_daemon %s (%s): start %s daemon: %s",
			c->ifname, c->instance, state_name(want),
			strerror(-err));
		return -1;
	}
	log_info("lvs_sync_daemon %s (%s): %s daemon running, syncid %u",
		 c->ifname, c->instance, state_name(want), (unsigned)c->syncid);
	l->sync.running |= (int)want;
	return 0;
}

void lvs_sync_stop_all(struct lvs *l)
{
	if (l->sync.running & FWD_SYNC_MASTER)
		stop(l, FWD_SYNC_MASTER);
	if (l->sync.running & FWD_SYNC_BACKUP)
		stop(l, FWD_SYNC_BACKUP);
}

int lvs_sync_config(struct lvs *l, const struct cfg_sync_daemon *sd)
{
	if (!conf_same(sd, &l->sync.conf)) {
		bool same_instance =
			!strcmp(sd->instance, l->sync.conf.instance);

		lvs_sync_stop_all(l);
		l->sync.conf = *sd;
		/* until the instance reports, it is a backup (as VRRP starts) */
		if (!same_instance || !l->sync.want)
			l->sync.want = FWD_SYNC_BACKUP;
	}
	return lvs_sync_apply(l);
}

void lvs_sync_state(struct lvs *l, const char *instance, bool master)
{
	enum fwd_sync_state want = master ? FWD_SYNC_MASTER : FWD_SYNC_BACKUP;

	if (!l || !l->sync.conf.set || strcmp(instance, l->sync.conf.instance))
		return;
	l->sync.want = want;
	if (lvs_sync_apply(l) < 0)
		lvs_retry_later(l);
}
