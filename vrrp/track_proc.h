/*
 * track_proc.h - vrrp_track_process: whether enough copies of a process run
 * (quorum .. quorum_max), read from /proc once a second, with keepalived's
 * fork_delay / terminate_delay before a change counts.
 */
#ifndef DD_VRRP_TRACK_PROC_H
#define DD_VRRP_TRACK_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct ev_loop;
struct vrrp_tprocs;

/**
 * vrrp_tproc_match - whether one process is a copy of @d (pure).
 * @d: the vrrp_track_process block
 * @comm: the process's name (/proc/PID/comm, without the newline)
 * @cmdline: its command line (/proc/PID/cmdline: NUL-terminated words)
 * @len: the bytes in @cmdline
 * The name is matched exactly (as the kernel keeps it: 15 characters) unless
 * full_command or parameters are given; then the command's first word must
 * equal the process, and the parameters match as param_match says (every
 * one and no more by default; "param_match" with none: no parameters).
 * Returns true on a match.
 */
bool vrrp_tproc_match(const struct cfg_proc_def *d, const char *comm,
		      const char *cmdline, size_t len);

/**
 * vrrp_tprocs_new - follow the processes that some instance or sync group
 * of @c tracks: counted now, then once a second.
 * @l: the event loop
 * @c: the configuration (kept: it must outlive the watcher)
 * @changed: called after a tracked process went up or down
 * @arg: its argument
 * Returns the watcher, or NULL when memory runs out.
 */
struct vrrp_tprocs *vrrp_tprocs_new(struct ev_loop *l, const struct cfg *c,
				    void (*changed)(void *), void *arg);

/**
 * vrrp_tprocs_up - whether c->track_procs[@idx] has its quorum (after the
 * delays); false when @w is NULL or @idx out of range.
 */
bool vrrp_tprocs_up(const struct vrrp_tprocs *w, size_t idx);

/**
 * vrrp_tprocs_count - the copies of c->track_procs[@idx] seen by the last
 * count (0 when @w is NULL or @idx out of range).
 */
unsigned vrrp_tprocs_count(const struct vrrp_tprocs *w, size_t idx);

/**
 * vrrp_tprocs_free - stop counting and release (NULL is fine).
 */
void vrrp_tprocs_free(struct vrrp_tprocs *w);

#endif
