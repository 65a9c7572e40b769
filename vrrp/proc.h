/*
 * proc.h - the VRRP process context shared by its modules (instances,
 * trackers, notifications, status). One per process; proc.c owns it.
 */
#ifndef DD_VRRP_PROC_H
#define DD_VRRP_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct ev_loop;
struct ev_timer;
struct mnl_socket;
struct vrrp_sock;
struct vrrp_nlmon;
struct vrrp_inst;
struct vrrp_track;
struct vrrp_notify;

struct vrrp_proc {
	struct ev_loop *loop;
	int ipc_fd;
	struct cfg *cfg; /* the configuration in force */
	uint32_t generation;
	struct vrrp_sock *socks; /* shared raw sockets */
	struct mnl_socket *nl; /* rtnetlink requests (VIPs) */
	struct vrrp_nlmon *mon; /* rtnetlink events */
	int garp_fd; /* AF_PACKET for GARP/NA */
	struct vrrp_inst **insts; /* one per cfg->vrrps entry, same order */
	size_t n_insts;
	struct vrrp_track *track; /* vrrp_script runners, link states */
	struct vrrp_notify *notify; /* FIFOs */
	bool sync_busy; /* propagating a sync-group move */
	int *sg_state; /* per sync group: last notified state, -1 none */
	bool stopping;
	unsigned notify_running; /* notify scripts not finished */
	struct ev_timer *linger_timer; /* stop: waiting for them */
	uint64_t linger_until_us;
	/* status JSON rate limit: at most one per second */
	bool status_dirty;
	uint64_t status_last_us;
	struct ev_timer *status_timer;
};

/**
 * vrrp_proc_status_changed - note that an instance's status changed; the
 * JSON goes to core now or within one second.
 * @p: the process context
 */
void vrrp_proc_status_changed(struct vrrp_proc *p);

/**
 * vrrp_status_json - the status of every instance as a JSON document.
 * @p: the process context
 * Returns a malloc'd NUL-terminated string, or NULL on allocation failure.
 */
char *vrrp_status_json(const struct vrrp_proc *p);

#endif
