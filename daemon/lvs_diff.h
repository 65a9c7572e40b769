/*
 * lvs_diff.h - reconcile: compare what the kernel holds with what the
 * configuration wants and list the fewest NEW/SET/DEL operations (pure).
 * Entries that directord does not own are never touched.
 */
#ifndef DD_LVS_DIFF_H
#define DD_LVS_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "fwd.h"
#include "lvs.h"

struct lvs_diff_in {
	const struct fwd_table *kernel; /* sorted (fwd_table_sort) */
	const struct fwd_table *want; /* sorted */
	/* what directord may delete: services and destinations listed in
	 * either table (the old and the new configuration, every real server
	 * regardless of health); NULL entries are skipped */
	const struct fwd_table *owned[2];
	bool own_all; /* lvs_flush: everything in the kernel is ours */
	/* create a new service of LVS_DIFF_DEFER_MIN or more destinations
	 * whose scheduler recomputes its state on every destination added
	 * (wrr, sh, dh, mh) with the kernel's "none" scheduler, add the
	 * destinations, then bind the scheduler (a FWD_SVC_SET marked bind):
	 * one computation instead of one per destination */
	bool defer_sched;
};

/* the fewest destinations for which a new service defers its scheduler */
#define LVS_DIFF_DEFER_MIN 8

/* the kernel's name for "no scheduler bound" (a kernel that lacks it
 * refuses it with ENOENT: lvs.c then stops deferring) */
#define LVS_DIFF_SCHED_NONE "none"

/**
 * lvs_diff - the operations that turn the kernel table into the wanted one.
 * Order: new and changed services, then per service removed, new and changed
 * destinations, then removed services.
 * @in: the tables
 * @ops: receives a malloc'ed array (NULL when there is nothing to do)
 * @n_ops: receives its length
 * Returns 0, or -1 on allocation failure.
 */
int lvs_diff(const struct lvs_diff_in *in, struct fwd_op **ops, size_t *n_ops);

/**
 * lvs_diff_emit_fn - receives the operations of lvs_diff_stream in order.
 * @arg: the caller's argument
 * @ops: the next @n operations (valid during the call only)
 * @last: no operation follows
 */
typedef void (*lvs_diff_emit_fn)(void *arg, const struct fwd_op *ops, size_t n,
				 bool last);

/**
 * lvs_diff_stream - lvs_diff in pieces of at most @cap operations, so that
 * a table of thousands of destinations never needs the whole list in
 * memory (nor the pages it would touch). A full piece is handed to @emit
 * when the next operation needs its room, so every piece but the final one
 * (marked @last) holds @cap operations; @emit is not called when there is
 * nothing to do.
 * @in: the tables
 * @buf: room for @cap operations (@cap > 0)
 * @emit: the receiver, called with @arg
 */
void lvs_diff_stream(const struct lvs_diff_in *in, struct fwd_op *buf,
		     size_t cap, lvs_diff_emit_fn emit, void *arg);

/**
 * lvs_diff_sched_per_dest - whether the kernel's scheduler @sched recomputes
 * its state on every destination added, edited or removed.
 */
bool lvs_diff_sched_per_dest(const char *sched);

/**
 * lvs_diff_svc_same - whether two services have the same settings
 * (scheduler, flags without HASHED, persistence, netmask, engine).
 */
bool lvs_diff_svc_same(const struct fwd_svc *a, const struct fwd_svc *b);

/**
 * lvs_diff_dest_same - whether two destinations have the same settings
 * (method, weight, thresholds, tunnel options for tunnels); a local-node
 * destination (the kernel's choice for local addresses) matches any method.
 */
bool lvs_diff_dest_same(const struct fwd_dest *a, const struct fwd_dest *b);

/**
 * lvs_diff_count - add the operations in @ops to the counters in @c (a bind
 * counts with the service it completes, not as an edit).
 * @res: per-operation results (0 = done), or NULL to count them all
 */
void lvs_diff_count(const struct fwd_op *ops, size_t n, const int *res,
		    struct lvs_ops *c);

#endif
