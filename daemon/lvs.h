/*
 * lvs.h - the forwarding table as core sees it: the desired state comes from
 * the configuration plus the health of each real server; lvs_* reconciles the
 * kernel table against it (dump, diff, minimal NEW/SET/DEL). Only core calls
 * this. The backend (IPVS over generic netlink) sits behind daemon/fwd.h.
 */
#ifndef DD_LVS_H
#define DD_LVS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "jw.h"
#include "evloop.h"

struct lvs;

/* operation counts of the last reconcile, shown in status */
struct lvs_ops {
	unsigned svc_new, svc_set, svc_del;
	unsigned dest_new, dest_set, dest_del;
	unsigned errors;
};

/**
 * lvs_open - open the forwarding-table backend.
 * @err: receives a reason on failure (e.g. "IPVS not available: ...")
 * @errlen: size of @err
 * Returns a handle, or NULL when the kernel offers no IPVS.
 */
struct lvs *lvs_open(char *err, size_t errlen);

/**
 * lvs_set_loop - let the handle arm its own retry timer on @loop: a failed
 * kernel operation is retried with back-off (1 s doubling to 60 s) by a full
 * reconcile. Without a loop, retries happen on the next lvs_set_config or
 * lvs_set_health.
 * @l: handle
 * @loop: the core's event loop (NULL to detach)
 */
void lvs_set_loop(struct lvs *l, struct ev_loop *loop);

/**
 * lvs_set_config - adopt a (new) configuration and reconcile the kernel.
 * Health of real servers that survive (same service and address:port) is
 * kept; new real servers start up, or down when alpha is set.
 * @l: handle
 * @c: configuration (must stay valid until the next lvs_set_config)
 * Returns 0 when the kernel matches, -1 when some operation failed (logged,
 * retried with back-off on the next lvs_tick).
 */
int lvs_set_config(struct lvs *l, const struct cfg *c);

/**
 * lvs_set_health - record a health transition (O(1)) and bring the kernel
 * in line. With a loop (lvs_set_loop) the kernel is updated once the loop
 * has handled every message already read, for all the transitions
 * together: a burst of thousands costs one pass; without one, at once.
 * @l: handle
 * @vs: index into cfg->vss
 * @rs: index into that service's rss
 * @up: true for up
 * @weight: misc_dynamic weight, or -1 to keep the configured weight
 * Returns 0, or -1 on bad indices or a kernel failure applied at once
 * (logged; retried with back-off).
 */
int lvs_set_health(struct lvs *l, size_t vs, size_t rs, bool up, int weight);

/**
 * lvs_sync_state - tell the sync daemon logic a VRRP instance's state.
 * @l: handle
 * @instance: vrrp_instance name
 * @master: true when MASTER, false for BACKUP/FAULT
 */
void lvs_sync_state(struct lvs *l, const char *instance, bool master);

/**
 * lvs_last_ops - the operation counts of the last reconcile.
 */
const struct lvs_ops *lvs_last_ops(const struct lvs *l);

/**
 * lvs_status_write - the virtual servers, their real servers, health,
 * weights and kernel counters, read from the kernel now, as one object.
 * @w: the writer
 * @key: member name, or NULL
 * @l: the forwarding table
 * Returns 0, or -1 when the kernel's table cannot be read (logged; nothing
 * written).
 */
int lvs_status_write(struct jw *w, const char *key, struct lvs *l);

/**
 * lvs_close - remove the entries directord owns (unless @keep) and free.
 */
void lvs_close(struct lvs *l, bool keep);

#endif
