/*
 * health.h - core's copy of every real server's health, indexed like the
 * configuration (vs, rs). Kept so that a restarted checker resumes from the
 * known state, and carried across reloads for real servers that stay. Pure.
 */
#ifndef DD_HEALTH_H
#define DD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct core_rs_health {
	bool known; /* the checker reported it at least once */
	bool up;
	int weight; /* misc_dynamic weight, -1 none */
};

struct core_health {
	size_t n_vss;
	size_t *n_rss;
	struct core_rs_health **rs; /* rs[vs][rs] */
};

/**
 * health_new - an all-unknown table shaped like @c.
 * Returns the table or NULL on allocation failure.
 */
struct core_health *health_new(const struct cfg *c);

/**
 * health_free - release a table (NULL is fine).
 */
void health_free(struct core_health *h);

/**
 * health_get - the entry for (@vs, @rs), or NULL when out of range.
 */
struct core_rs_health *health_get(struct core_health *h, size_t vs, size_t rs);

/**
 * health_carry - copy the known health of real servers that exist in both
 * configurations (same virtual server identity, same address and port).
 * An entry named twice is matched at its own position first, then at the
 * first one with its identity.
 * @to: table shaped like @new_cfg
 * @from: table shaped like @old_cfg
 * @new_cfg: the configuration being adopted
 * @old_cfg: the running configuration
 * Returns the number of entries carried.
 */
size_t health_carry(struct core_health *to, const struct core_health *from,
		    const struct cfg *new_cfg, const struct cfg *old_cfg);

/**
 * health_translate - find real server (@vs, @rs) of @from in @to (same
 * virtual server identity, same address and port), at the same indices
 * first, then at the first entry with that identity.
 * @from: the configuration the indices refer to
 * @vs: virtual server index in @from
 * @rs: real server index in that virtual server
 * @to: the configuration to map into
 * @to_vs: receives the virtual server index in @to
 * @to_rs: receives the real server index in @to
 * Returns true when found.
 */
bool health_translate(const struct cfg *from, size_t vs, size_t rs,
		      const struct cfg *to, size_t *to_vs, size_t *to_rs);

#endif
