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
};

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
 * lvs_diff_count - add the operations in @ops to the counters in @c.
 * @res: per-operation results (0 = done), or NULL to count them all
 */
void lvs_diff_count(const struct fwd_op *ops, size_t n, const int *res,
		    struct lvs_ops *c);

#endif
