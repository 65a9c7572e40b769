/*
 * notify.h - state change notifications as keepalived gives them:
 * notify_master / notify_backup / notify_fault / notify_stop scripts, the
 * generic `notify` script with `INSTANCE|GROUP "name" STATE priority`
 * appended, and lines such as `INSTANCE "VI_1" MASTER 100` written in order
 * to notify_fifo and vrrp_notify_fifo.
 */
#ifndef DD_VRRP_NOTIFY_H
#define DD_VRRP_NOTIFY_H

#include <stddef.h>

#include "cfg.h"

struct vrrp_proc;
struct vrrp_notify;

/* A notify script still running after this long is killed with its process
 * group (logged): a hung script must not pile up one process per state
 * change. A script that exits in time keeps what it started in the
 * background. */
#define VRRP_NOTIFY_TIMEOUT_US (60ULL * 1000000ULL)

/**
 * vrrp_notify_line - format one FIFO line (pure).
 * @buf: output
 * @len: its size
 * @kind: "INSTANCE" or "GROUP"
 * @name: the instance or group name
 * @state: "MASTER", "BACKUP", "FAULT" or "STOP"
 * @prio: the priority (groups: 0)
 * Returns the length written (without the NUL), or -1 if it did not fit.
 */
int vrrp_notify_line(char *buf, size_t len, const char *kind, const char *name,
		     const char *state, unsigned prio);

/**
 * vrrp_notify_new - open the FIFOs of the configuration (created when
 * missing) and start vrrp_notify_fifo_script.
 * @p: the process context (p->cfg set)
 * Returns the state or NULL on allocation failure (FIFO errors are logged
 * and leave that FIFO unused).
 */
struct vrrp_notify *vrrp_notify_new(struct vrrp_proc *p);

/**
 * vrrp_notify_free - close the FIFOs and stop the FIFO script (NULL is fine).
 */
void vrrp_notify_free(struct vrrp_notify *n);

/**
 * vrrp_notify_event - announce a state of an instance or a sync group.
 * @p: the process context
 * @kind: "INSTANCE" or "GROUP"
 * @name: its name
 * @state: "MASTER", "BACKUP", "FAULT" or "STOP"
 * @prio: the effective priority (groups: 0)
 * @master, @backup, @fault, @stop, @any: the configured scripts
 */
void vrrp_notify_event(struct vrrp_proc *p, const char *kind, const char *name,
		       const char *state, unsigned prio,
		       const struct cfg_cmd *master,
		       const struct cfg_cmd *backup,
		       const struct cfg_cmd *fault, const struct cfg_cmd *stop,
		       const struct cfg_cmd *any);

#endif
