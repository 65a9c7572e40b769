/*
 * track.h - trackers: track_interface (rtnetlink link state), vrrp_script +
 * track_script (periodic scripts with rise/fall), for instances and their
 * sync groups; folds them into FAULT or a priority offset (weights).
 */
#ifndef DD_VRRP_TRACK_H
#define DD_VRRP_TRACK_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct vrrp_proc;
struct vrrp_inst;
struct vrrp_track;

/**
 * vrrp_track_fold - add one tracker's result (pure; keepalived's rules).
 * @up: the tracked object is up / the script succeeds
 * @weighted: a weight was given (else a down tracker means FAULT)
 * @weight: the weight (0 on a script means FAULT too)
 * @reverse: invert the weight's sense
 * @fault: set to true when this tracker puts the instance in FAULT
 * @delta: the weight is added here when it applies: a positive weight
 *         while up, a negative one while down (reverse swaps up and down)
 */
void vrrp_track_fold(bool up, bool weighted, int weight, bool reverse,
		     bool *fault, int *delta);

/**
 * vrrp_track_priority - effective priority from base and tracker offset,
 * clamped to 1..254; an address owner (255) is never changed (pure).
 * Returns the effective priority.
 */
unsigned vrrp_track_priority(unsigned base, int delta);

/**
 * vrrp_track_new - start the script runners that some instance or sync
 * group tracks and read the current link states.
 * @p: the process context (p->cfg set)
 * Returns the tracker state or NULL.
 */
struct vrrp_track *vrrp_track_new(struct vrrp_proc *p);

/**
 * vrrp_track_reload - follow a reloaded configuration: script runners keep
 * their result when a script of the same name and command still exists;
 * track files are watched and read again. Evaluates no instance (the
 * caller re-evaluates each one once it points into the new configuration).
 * @t: the tracker state
 * @old: the previous configuration (still valid during the call)
 */
void vrrp_track_reload(struct vrrp_track *t, const struct cfg *old);

/**
 * vrrp_track_free - stop every runner and release (NULL is fine).
 */
void vrrp_track_free(struct vrrp_track *t);

/**
 * vrrp_track_link - a link changed state (from the netlink monitor).
 * @t: the tracker state
 * @ifname: the interface
 * @up: IFF_UP and IFF_RUNNING
 */
void vrrp_track_link(struct vrrp_track *t, const char *ifname, bool up);

/**
 * vrrp_track_apply - evaluate @i's trackers (and its sync group's) and feed
 * FAULT_ON / FAULT_OFF / PRIORITY to its state machine when they changed.
 * @i: the instance
 */
void vrrp_track_apply(struct vrrp_inst *i);

/**
 * vrrp_track_file_value - the value of the configuration's track file
 * @idx now (0 when @t is NULL or @idx is out of range).
 */
int vrrp_track_file_value(const struct vrrp_track *t, size_t idx);

/**
 * vrrp_track_proc_count - the copies of the configuration's tracked process
 * @idx seen by the last count; *@up says whether it counts as up.
 */
unsigned vrrp_track_proc_count(const struct vrrp_track *t, size_t idx,
			       bool *up);

#endif
