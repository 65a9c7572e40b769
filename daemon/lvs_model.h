/*
 * lvs_model.h - the desired forwarding table, computed from the
 * configuration and the health of each real server (pure).
 *
 * One virtual_server becomes one kernel service (IP PORT, fwmark) or one per
 * address of its virtual_server_group (entries and ranges expanded). Its
 * destinations are the live real servers (weight 0 instead of absent with
 * inhibit_on_failure); when the quorum is lost and a sorry_server is
 * configured, the sorry server replaces them (keepalived's
 * update_quorum_state).
 */
#ifndef DD_LVS_MODEL_H
#define DD_LVS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "fwd.h"

/* at most this many services from one range of a group */
#define LVS_MODEL_RANGE_MAX 4096

/* the health of one real server */
struct lvs_rs_state {
	bool up;
	int weight; /* dynamic weight, or -1 for the configured one */
};

/* the state of one virtual server: quorum and its real servers' health */
struct lvs_vs_state {
	bool quorum_up;
	struct lvs_rs_state *rs; /* n_rss entries, indexed like cfg_vs.rss */
};

/**
 * lvs_model_rs_weight - the weight a real server runs with.
 * @rs: the real server
 * @st: its state
 * Returns the dynamic weight when set, else the configured one.
 */
int lvs_model_rs_weight(const struct cfg_rs *rs, const struct lvs_rs_state *st);

/**
 * lvs_model_quorum_of - the effective quorum: the configured one, capped at
 * the sum of the configured weights (keepalived reduces it so that the
 * virtual server can ever reach it).
 */
unsigned lvs_model_quorum_of(const struct cfg_vs *vs);

/**
 * lvs_model_dest_port - the port of a destination in service @svc: the
 * service's for DR and TUN (0 for fwmark services), else the configured
 * one, or the service's when none is configured.
 * @svc: the kernel service
 * @port: the configured port (0: none)
 * @fwd: the destination's forwarding method
 */
uint16_t lvs_model_dest_port(const struct fwd_svc *svc, uint16_t port,
			     const struct cfg_fwd_method *fwd);

/**
 * lvs_model_quorum - the quorum state after a change: lost when the sum of
 * live weights falls to 0 or below quorum - hysteresis, regained when it
 * reaches quorum + hysteresis (keepalived's update_quorum_state).
 * @vs: the virtual server
 * @rs: its real servers' states
 * @was_up: the previous quorum state
 * Returns the new quorum state.
 */
bool lvs_model_quorum(const struct cfg_vs *vs, const struct lvs_rs_state *rs,
		      bool was_up);

/**
 * lvs_model_live_weight - what a real server adds to its virtual server's
 * live weight (the sum the quorum is checked against).
 * @rs: the real server
 * @st: its state
 * Returns its weight when up, else 0.
 */
unsigned long lvs_model_live_weight(const struct cfg_rs *rs,
				    const struct lvs_rs_state *st);

/**
 * lvs_model_quorum_sum - lvs_model_quorum from a live weight kept up to
 * date by the caller, so that one health change costs O(1).
 * @vs: the virtual server (for its hysteresis)
 * @quorum: lvs_model_quorum_of(@vs)
 * @sum: the sum of lvs_model_live_weight over its real servers
 * @was_up: the previous quorum state
 * Returns the new quorum state.
 */
bool lvs_model_quorum_sum(const struct cfg_vs *vs, unsigned quorum,
			  unsigned long sum, bool was_up);

/**
 * lvs_model_rs_dest - the destination one real server has in one service
 * of its virtual server, as lvs_model_vs lists it.
 * @svc: the kernel service
 * @vs: the virtual server
 * @r: index into vs->rss
 * @rst: the real server's state (NULL with @all)
 * @sorry_in: the sorry server replaces the real servers (quorum lost)
 * @all: ignore health, as for lvs_model_vs
 * @d: receives the destination
 * Returns true when the destination is in the service, false when absent.
 */
bool lvs_model_rs_dest(const struct fwd_svc *svc, const struct cfg_vs *vs,
		       size_t r, const struct lvs_rs_state *rst, bool sorry_in,
		       bool all, struct fwd_dest *d);

/**
 * lvs_model_vs_svcs - the kernel services of one virtual server, without
 * destinations, sorted and without duplicates.
 * @c: the configuration
 * @vs: index into c->vss
 * @out: receives the table (free with fwd_table_free)
 * Returns 0, or -1 on allocation failure.
 */
int lvs_model_vs_svcs(const struct cfg *c, size_t vs, struct fwd_table *out);

/**
 * lvs_model_dests_unique - whether no two destinations of the virtual
 * server (real servers and sorry server) can be the same kernel
 * destination in any of its services; then each real server's destination
 * can be changed on its own, without a diff of the whole service.
 * Returns 1 when unique, 0 when two may collide, -1 out of memory.
 */
int lvs_model_dests_unique(const struct cfg_vs *vs);

/**
 * lvs_model_vs - the kernel services and destinations of one virtual server.
 * @c: the configuration
 * @vs: index into c->vss
 * @st: its state, or NULL with @all
 * @all: ignore health and quorum and list every destination the virtual
 *       server may ever install (real servers and sorry server): the
 *       entries directord owns
 * @out: entries are appended, neither sorted nor free of duplicates (a
 *       real server named twice): pass @out through lvs_model_dedup
 * Returns 0, or -1 on allocation failure.
 */
int lvs_model_vs(const struct cfg *c, size_t vs, const struct lvs_vs_state *st,
		 bool all, struct fwd_table *out);

/**
 * lvs_model_build - the whole desired table, sorted; a service that two
 * virtual servers name is taken from the first.
 * @c: the configuration
 * @st: one state per virtual server (NULL with @all)
 * @all: as for lvs_model_vs
 * @out: receives the table (free with fwd_table_free)
 * Returns 0, or -1 on allocation failure.
 */
int lvs_model_build(const struct cfg *c, const struct lvs_vs_state *st,
		    bool all, struct fwd_table *out);

/**
 * lvs_model_dedup - sort @t and drop the later of duplicate services and
 * of duplicate destinations within a service.
 */
void lvs_model_dedup(struct fwd_table *t);

#endif
