/*
 * lvs_batch.h - the health changes of one virtual server collected between
 * two flushes, and the operations that bring its services from the state
 * of the last flush to the current one (pure). A burst of thousands of
 * checks coming up becomes one flush; a real server whose destination is
 * its own (lvs_model_dests_unique) costs one operation per service, not a
 * diff of the whole service.
 */
#ifndef DD_LVS_BATCH_H
#define DD_LVS_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "fwd.h"
#include "lvs_model.h"

struct lvs_batch {
	size_t *rs; /* changed real servers, in the order of first change */
	struct lvs_rs_state *old; /* their states at the last flush */
	size_t n, cap;
	unsigned char *mark; /* per real server: listed in @rs */
	bool old_quorum; /* the quorum state at the last flush */
	unsigned long live; /* sum of lvs_model_live_weight, kept current */
	unsigned quorum; /* lvs_model_quorum_of, fixed by the config */
	bool unique; /* lvs_model_dests_unique */
};

/**
 * lvs_batch_init - an empty batch for a virtual server in state @st.
 * @b: the batch to fill
 * @vs: the virtual server
 * @st: its current state
 * Returns 0, or -1 on allocation failure (@b then needs no lvs_batch_free).
 */
int lvs_batch_init(struct lvs_batch *b, const struct cfg_vs *vs,
		   const struct lvs_vs_state *st);

/**
 * lvs_batch_free - release what lvs_batch_init allocated.
 */
void lvs_batch_free(struct lvs_batch *b);

/**
 * lvs_batch_note - record a health transition: update @st (the real
 * server's state, the quorum with hysteresis) in O(1) and remember the
 * real server's state at the last flush.
 * @b: the virtual server's batch
 * @vs: the virtual server
 * @st: its state, updated
 * @rs: index into vs->rss
 * @up: true for up
 * @weight: dynamic weight, or -1 for the configured one
 * Returns 1 when something changed, 0 when the state was already that, -1
 * when the change was made to @st but could not be recorded (out of memory:
 * the caller must reconcile in full).
 */
int lvs_batch_note(struct lvs_batch *b, const struct cfg_vs *vs,
		   struct lvs_vs_state *st, size_t rs, bool up, int weight);

/**
 * lvs_batch_ops - the operations that take the virtual server's services
 * from the state of the last flush to @st: per changed real server its
 * destination NEW, SET or DEL in each service; the whole virtual server
 * diffed (lvs_diff) when the sorry server swaps in or out or when two
 * destinations may collide.
 * @b: the batch
 * @c: the configuration
 * @vsi: index into c->vss
 * @st: the current state
 * @owned: the entries directord may delete (for the whole diff)
 * @ops: receives a malloc'ed array (NULL when there is nothing to do)
 * @n_ops: receives its length
 * Returns 0, or -1 on allocation failure.
 */
int lvs_batch_ops(const struct lvs_batch *b, const struct cfg *c, size_t vsi,
		  const struct lvs_vs_state *st, const struct fwd_table *owned,
		  struct fwd_op **ops, size_t *n_ops);

/**
 * lvs_batch_clear - forget the recorded changes (they were applied, or a
 * full reconcile covers them).
 */
void lvs_batch_clear(struct lvs_batch *b);

#endif
