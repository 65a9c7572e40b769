/*
 * sync.h - vrrp_sync_group: members move together (keepalived's rule: one
 * member becoming Master pulls the others to Master, one leaving Master
 * for Backup pushes the others out; FAULT is shared through the trackers,
 * see track.c), and the group's own notifications.
 */
#ifndef DD_VRRP_SYNC_H
#define DD_VRRP_SYNC_H

#include "fsm.h"

struct vrrp_inst;

/**
 * vrrp_sync_follow - after @i moved @from -> @to, move the other members of
 * its sync group and notify the group when all members agree.
 * @i: the member that moved
 * @from: its previous state
 * @to: its new state
 */
void vrrp_sync_follow(struct vrrp_inst *i, enum vrrp_state from,
		      enum vrrp_state to);

#endif
