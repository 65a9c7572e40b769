/*
 * core_ipc.c - what core does with each message from its children: READY
 * bookkeeping, VRRP state to the LVS sync logic, real-server health to the
 * forwarding table (and core's copy), cached status JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "log.h"
#include "lvs.h"

static const char *st_name(uint8_t st)
{
	static const char *const names[] = { "INIT", "BACKUP", "MASTER",
					     "FAULT" };

	return st <= IPC_ST_FAULT ? names[st] : "?";
}

static void on_ready(struct core *c, struct core_child *ch,
		     const struct ipc_ready *r)
{
	ch->ready_generation = r->generation;
	ch->ready_ok = r->ok == 1;
	snprintf(ch->ready_error, sizeof(ch->ready_error), "%s", r->error);
	if (!ch->ready_ok) {
		log_err("%s process refused generation %u: %s", ch->name,
			r->generation, r->error);
	} else {
		log_info("%s process ready (generation %u)", ch->name,
			 r->generation);
		if (ch == &c->child[CORE_CHECKER] &&
		    r->generation == c->generation) {
			/* the channel is ordered: no older report can follow */
			core_prev_cfg_drop(c);
		}
	}
	/*
	 * The checker runs unprivileged and may be unable to re-read a file
	 * core could read (mode 0600, private directory). It keeps no state
	 * that core lacks (health is resumed from core's copy), so a fresh
	 * process inheriting the validated configuration is the way forward.
	 * The vrrp process is not replaced: that would drop its VIPs.
	 */
	if (!ch->ready_ok && ch == &c->child[CORE_CHECKER] &&
	    r->generation == c->generation) {
		log_warn("checker process: replacing it with one that inherits "
			 "generation %u",
			 c->generation);
		sup_respawn(c, CORE_CHECKER);
	}
}

static void on_vrrp_state(struct core *c, const struct ipc_vrrp_state *s)
{
	char m[ADDR_STRLEN];

	log_info("(%s) %s -> %s, priority %u, master %s", s->name,
		 st_name(s->prev), st_name(s->state), s->priority,
		 s->master.family ? addr_fmt(&s->master, m) : "unknown");
	if (c->lvs)
		lvs_sync_state(c->lvs, s->name, s->state == IPC_ST_MASTER);
}

static void on_rs_health(struct core *c, const struct ipc_rs_health *h)
{
	struct core_rs_health *e;
	size_t vs = h->vs, rs = h->rs;

	if (h->generation + 1 == c->generation && c->prev_cfg) {
		/* sent before the checker applied the current generation: a
		 * real server that stays keeps the transition */
		if (!health_translate(c->prev_cfg, h->vs, h->rs, c->cfg, &vs,
				      &rs)) {
			log_debug("checker: health of %u/%u (generation %u): "
				  "real server gone",
				  h->vs, h->rs, h->generation);
			return;
		}
	} else if (h->generation != c->generation) {
		log_debug("checker: health of %u/%u for generation %u ignored "
			  "(current %u)",
			  h->vs, h->rs, h->generation, c->generation);
		return;
	}
	e = health_get(c->health, vs, rs);
	if (!e) {
		log_err("checker: health for unknown real server %u/%u (bug)",
			h->vs, h->rs);
		return;
	}
	e->known = true;
	e->up = h->up;
	e->weight = h->weight;
	if (c->lvs)
		lvs_set_health(c->lvs, vs, rs, h->up, h->weight);
}

static void on_status(struct core_child *ch, const struct ipc_msg *m)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	char *s;

	if (!tok)
		return;
	o = json_tokener_parse_ex(tok, (const char *)m->u.raw, (int)m->hdr.len);
	/* one whole value and nothing after it: the text goes into status
	 * replies unchanged */
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != m->hdr.len) {
		log_err("%s process: STATUS_JSON is not one JSON value (bug): "
			"%s",
			ch->name,
			json_tokener_error_desc(json_tokener_get_error(tok)));
	} else if ((s = strndup((const char *)m->u.raw, m->hdr.len))) {
		free(ch->status);
		ch->status = s;
	}
	json_object_put(o);
	json_tokener_free(tok);
}

void core_ipc_handle(struct core *c, enum core_child_id id,
		     const struct ipc_msg *m)
{
	struct core_child *ch = &c->child[id];

	switch (m->hdr.type) {
	case IPC_READY:
		on_ready(c, ch, &m->u.ready);
		return;
	case IPC_STATUS_JSON:
		on_status(ch, m);
		return;
	case IPC_VRRP_STATE:
		if (id == CORE_VRRP) {
			on_vrrp_state(c, &m->u.vrrp_state);
			return;
		}
		break;
	case IPC_RS_HEALTH:
		if (id == CORE_CHECKER) {
			on_rs_health(c, &m->u.rs_health);
			return;
		}
		break;
	default:
		break;
	}
	log_err("%s process sent %s, which it must not (bug); dropped",
		ch->name, ipc_type_name(m->hdr.type));
}

void core_ipc_child_started(struct core *c, enum core_child_id id)
{
	struct ipc_rs_health h;
	size_t vs, rs, n = 0;

	if (id != CORE_CHECKER || !c->health)
		return;
	for (vs = 0; vs < c->health->n_vss; vs++) {
		for (rs = 0; rs < c->health->n_rss[vs]; rs++) {
			const struct core_rs_health *e = &c->health->rs[vs][rs];

			if (!e->known)
				continue;
			memset(&h, 0, sizeof(h));
			h.generation = c->generation;
			h.vs = (uint32_t)vs;
			h.rs = (uint32_t)rs;
			h.up = e->up;
			h.weight = e->weight;
			snprintf(h.reason, sizeof(h.reason),
				 "state kept by core");
			if (sup_send(c, id, IPC_RS_HEALTH, &h,
				     ipc_rs_health_len(&h)) < 0)
				return;
			n++;
		}
	}
	if (n)
		log_info("checker process: resumed with the health of %zu real "
			 "servers",
			 n);
}
