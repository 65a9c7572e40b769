/*
 * lvs_int.h - the state behind struct lvs, shared by lvs.c (reconcile and
 * health), lvs_sync.c (connection-sync daemon) and lvs_status.c (status).
 */
#ifndef DD_LVS_INT_H
#define DD_LVS_INT_H

#include "evloop.h"
#include "fwd.h"
#include "lvs.h"
#include "lvs_batch.h"
#include "lvs_model.h"

struct lvs_sync {
	struct cfg_sync_daemon conf; /* conf.set: configured */
	int running; /* FWD_SYNC_* bits started */
	enum fwd_sync_state want; /* from the VRRP instance's state */
};

struct lvs {
	const struct fwd_backend *be;
	void *h;
	const struct cfg *cfg;
	struct lvs_vs_state *st; /* per cfg->vss */
	/* health changes not yet in the kernel, per cfg->vss; the virtual
	 * servers with some (dirty) are flushed together once the loop has
	 * read every pending message (flush_timer, due at once) */
	struct lvs_batch *batch;
	size_t *dirty, n_dirty;
	struct ev_timer *flush_timer;
	/* every entry the running (owned) and the previous configuration
	 * (prev_owned, until a reconcile succeeded) may have installed */
	struct fwd_table owned, prev_owned;
	/* owned is not built yet (lvs_owned_ensure): a first load into an
	 * empty table programs the kernel before it spends time on it */
	bool owned_pending;
	bool configured; /* lvs_set_config ran once */
	bool pending; /* the kernel may differ: reconcile again */
	uint64_t backoff_us;
	struct ev_loop *loop;
	struct ev_timer *timer;
	struct lvs_ops last, total;
	struct fwd_timeouts timeouts; /* applied */
	struct lvs_sync sync;
	bool advised; /* lvs_sysctl_advise looked at the sysctls */
	/* the kernel refused the "none" scheduler: bind at creation */
	bool no_sched_none;
};

/**
 * lvs_status_emit - write the status object of lvs_status_write from a
 * table already read (pure: no kernel access).
 * @w: the writer
 * @key: member name, or NULL
 * @l: the forwarding table's state
 * @kern: the kernel's table, dumped with counters
 */
void lvs_status_emit(struct jw *w, const char *key, const struct lvs *l,
		     const struct fwd_table *kern);

/**
 * lvs_apply_ops - apply @ops through the backend, log each failure with the
 * object and errno, add the results to l->total and to @c.
 * Returns 0, or -1 when at least one operation failed.
 */
int lvs_apply_ops(struct lvs *l, const struct fwd_op *ops, size_t n,
		  struct lvs_ops *c);

/**
 * lvs_sync_config - adopt the lvs_sync_daemon settings of a configuration:
 * restart the daemon when they changed, start the backup daemon when none
 * runs yet, stop everything when they were removed.
 * Returns 0, or -1 when the kernel refused (logged).
 */
int lvs_sync_config(struct lvs *l, const struct cfg_sync_daemon *sd);

/**
 * lvs_sync_apply - start the daemon l->sync.want and stop the other one.
 * Returns 0, or -1 when the kernel refused (logged).
 */
int lvs_sync_apply(struct lvs *l);

/**
 * lvs_sync_stop_all - stop whatever sync daemon runs.
 */
void lvs_sync_stop_all(struct lvs *l);

/**
 * lvs_retry_later - note that the kernel may differ from what we want and
 * arm the back-off retry (a full reconcile).
 */
void lvs_retry_later(struct lvs *l);

/**
 * lvs_vs_name - name a virtual server for messages and status:
 * "[192.0.2.10]:tcp:80", "fwmark 7" or "group NAME".
 * Returns @buf.
 */
const char *lvs_vs_name(const struct cfg *c, size_t vs, char *buf, size_t len);

/**
 * lvs_sysctl_advise - once per process, when health checks can take real
 * servers out of @c, warn if net.ipv4.vs.expire_nodest_conn is 0 (the kernel
 * then drops clients that reuse a port of a removed server's connection).
 * @l: handle (remembers that the advice was given)
 * @c: the configuration being adopted
 */
void lvs_sysctl_advise(struct lvs *l, const struct cfg *c);

#endif
