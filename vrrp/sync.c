/* sync.c - sync groups: members follow each other's Master/Backup moves. */
#include "config.h"

#include <stdlib.h>

#include "instance.h"
#include "log.h"
#include "notify.h"
#include "proc.h"
#include "sync.h"

static void group_notify(struct vrrp_proc *p, int sg)
{
	const struct cfg_sync_group *g = &p->cfg->sync_groups[sg];
	enum vrrp_state st = VRRP_STATE_MAX;
	size_t k;

	for (k = 0; k < g->n_members; k++) {
		const struct vrrp_inst *m = p->insts[g->members[k]];

		if (!m)
			return;
		if (st == VRRP_STATE_MAX)
			st = m->fsm.state;
		else if (m->fsm.state != st)
			return; /* still moving */
	}
	if (st == VRRP_STATE_MAX || st == VRRP_STATE_INIT ||
	    (int)st == p->sg_state[sg])
		return;
	p->sg_state[sg] = (int)st;
	log_info("(%s) sync group is %s", g->name, vrrp_state_name(st));
	vrrp_notify_event(p, "GROUP", g->name, vrrp_state_name(st), 0,
			  &g->notify_master, &g->notify_backup,
			  &g->notify_fault, &g->notify_stop, &g->notify);
}

void vrrp_sync_follow(struct vrrp_inst *i, enum vrrp_state from,
		      enum vrrp_state to)
{
	struct vrrp_proc *p = i->p;
	const struct cfg_sync_group *g;
	int sg = i->c->sync_group;
	size_t k;

	if (sg < 0 || (size_t)sg >= p->cfg->n_sync_groups || !p->sg_state)
		return;
	g = &p->cfg->sync_groups[sg];
	if (!p->sync_busy && !p->stopping) {
		p->sync_busy = true;
		for (k = 0; k < g->n_members; k++) {
			struct vrrp_inst *m = p->insts[g->members[k]];
			struct vrrp_fsm_event ev = { 0 };

			if (!m || m == i || !m->fsm.state)
				continue;
			if (to == VRRP_STATE_MASTER &&
			    m->fsm.state == VRRP_STATE_BACKUP) {
				log_info("(%s) following sync group %s to "
					 "MASTER",
					 m->c->name, g->name);
				ev.type = VRRP_EV_MASTER_DOWN;
				vrrp_inst_event(m, &ev);
			} else if (to == VRRP_STATE_BACKUP &&
				   from == VRRP_STATE_MASTER &&
				   m->fsm.state == VRRP_STATE_MASTER) {
				log_info("(%s) following sync group %s to "
					 "BACKUP",
					 m->c->name, g->name);
				/* priority 0 hands over at once; the hold is
				 * lifted right away so preemption stays
				 * normal */
				ev.type = VRRP_EV_STEPDOWN;
				vrrp_inst_event(m, &ev);
				ev.type = VRRP_EV_RESUME;
				vrrp_inst_event(m, &ev);
			}
		}
		p->sync_busy = false;
	}
	group_notify(p, sg);
}
