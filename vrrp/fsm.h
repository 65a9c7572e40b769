/*
 * fsm.h - VRRP state machine (pure, table-driven).
 *
 * RFC 5798 §6.4 (RFC 9568 §6.4; RFC 3768 §6.4 for v2) Initialize / Backup /
 * Master plus keepalived's Fault. The caller owns one struct vrrp_fsm per
 * instance, feeds it events (timers fired, adverts that passed
 * vrrp_pkt_parse*, tracker changes, operator requests) and executes the
 * returned actions IN ORDER: the order matters (e.g. on becoming Master the
 * advert goes out before the VIPs are added and announced, as keepalived
 * does, so the old master drops them first).
 *
 * Timers are owned by the caller; the FSM only says "arm X for N us" or
 * "cancel X". Arming an armed timer re-arms it. Every value comes from
 * timer.h. A timer event that arrives in a state where that timer is not
 * meaningful (a stale expiry) is ignored.
 *
 * keepalived semantics kept on purpose:
 *  - "state MASTER" wins at once only with priority 255; otherwise the
 *    instance starts in Backup and waits Master_Down_Interval, and
 *    nopreempt / preempt_delay are ignored for it.
 *  - Skew_Time uses the effective priority (trackers included).
 *  - preempt_delay starts at the first lower-priority advert heard in
 *    Backup; until it expires such adverts are accepted (as nopreempt).
 *  - A Master hearing a lower-priority advert re-announces (advert unless
 *    lower_prio_no_advert, GARP burst now and after garp_lower_prio_delay):
 *    this heals a split brain.
 *  - higher_prio_send_advert: a Master sends one advert before yielding.
 */
#ifndef DD_VRRP_FSM_H
#define DD_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_MAX
};

enum vrrp_fsm_ev_type {
	VRRP_EV_STARTUP = 0, /* RFC Startup event */
	VRRP_EV_SHUTDOWN, /* RFC Shutdown event (stop, instance removed) */
	VRRP_EV_ADVERT, /* a valid advert (.priority, .src, .adver_int_us) */
	VRRP_EV_MASTER_DOWN, /* Master_Down_Timer fired */
	VRRP_EV_ADVER_TIMER, /* Adver_Timer fired */
	VRRP_EV_FAULT_ON, /* a fault tracker went down (level, idempotent) */
	VRRP_EV_FAULT_OFF, /* every fault tracker is up again */
	VRRP_EV_PRIORITY, /* effective priority changed (.priority) */
	/* operator handover: priority 0, Backup, and do not preempt back
	 * until VRRP_EV_RESUME */
	VRRP_EV_STEPDOWN,
	VRRP_EV_RESUME, /* end the hold of a previous STEPDOWN */
	VRRP_EV_PREEMPT_DELAY, /* the preempt_delay timer fired */
	/* a VIP was deleted behind our back: as keepalived, priority 0 and
	 * Backup with Master_Down_Timer = Skew_Time, so we re-take the role
	 * (and re-add) unless a peer does */
	VRRP_EV_VIP_LOST,
	VRRP_EV_MAX
};

struct vrrp_fsm_event {
	enum vrrp_fsm_ev_type type;
	unsigned priority; /* ADVERT: sender's; PRIORITY: new effective */
	struct addr src; /* ADVERT: sender's IP source address */
	/* ADVERT: advertised interval (vrrp_timer_wire_to_us); learned for
	 * v3 */
	uint64_t adver_int_us;
};

enum vrrp_fsm_act_type {
	/* send one advert with .priority (0 when stepping down) */
	VRRP_ACT_SEND_ADVERT = 0,
	VRRP_ACT_ADD_VIPS, /* add virtual_ipaddress(_excluded) */
	VRRP_ACT_DEL_VIPS, /* remove them */
	/* GARP/NA burst of .count per VIP after .us (0 = now) */
	VRRP_ACT_GARP,
	/* drop pending delayed bursts and stop the garp_master_refresh
	 * timer */
	VRRP_ACT_GARP_CANCEL,
	VRRP_ACT_MASTER_DOWN_ARM, /* (re)arm Master_Down_Timer for .us */
	VRRP_ACT_MASTER_DOWN_CANCEL,
	VRRP_ACT_ADVER_ARM, /* (re)arm Adver_Timer for .us */
	VRRP_ACT_ADVER_CANCEL,
	VRRP_ACT_PREEMPT_ARM, /* arm the preempt_delay timer for .us */
	VRRP_ACT_PREEMPT_CANCEL,
	/* Master_Adver_Interval is now .us (learned from a v3 master, or
	 * back to our own Advertisement_Interval) */
	VRRP_ACT_LEARN_INTERVAL,
	/* current master is .addr (family 0: unknown; our primary when we
	 * are it) */
	VRRP_ACT_SET_MASTER,
	/* state changed .from -> .to: notify, count the transition */
	VRRP_ACT_STATE,
	VRRP_ACT_MAX
};

struct vrrp_fsm_action {
	enum vrrp_fsm_act_type type;
	uint64_t us; /* timers, GARP delay, learned interval */
	unsigned priority; /* SEND_ADVERT */
	unsigned count; /* GARP: messages per VIP */
	struct addr addr; /* SET_MASTER */
	enum vrrp_state from, to; /* STATE */
};

/* Most actions one event can produce. */
#define VRRP_FSM_MAX_ACTS 16

struct vrrp_fsm_out {
	size_t n;
	struct vrrp_fsm_action act[VRRP_FSM_MAX_ACTS];
};

/* Per-instance protocol configuration (from struct cfg_vrrp). */
struct vrrp_fsm_cfg {
	int version; /* 2 or 3 */
	unsigned priority; /* base priority 1..255; 255 = owner */
	uint64_t adver_int_us; /* Advertisement_Interval */
	unsigned down_timer_adverts; /* 3 (0 is read as 3) */
	bool state_master; /* "state MASTER" */
	bool nopreempt;
	uint64_t preempt_delay_us;
	struct addr primary; /* our advert source address: the tie-break */
	bool higher_prio_send_advert;
	bool lower_prio_no_advert;
	/* second burst after becoming master; 0 = none */
	uint64_t garp_master_delay_us;
	unsigned garp_master_repeat;
	uint64_t garp_lower_prio_delay_us;
	unsigned garp_lower_prio_repeat;
};

/* One instance's state machine; the caller owns it (no globals). */
struct vrrp_fsm {
	struct vrrp_fsm_cfg cfg;
	enum vrrp_state state;
	unsigned priority; /* effective priority */
	uint64_t master_adver_int_us; /* Master_Adver_Interval */
	struct addr master; /* current master, family 0 if unknown */
	unsigned master_priority; /* its last advertised priority */
	bool fault; /* a fault tracker is down */
	bool held; /* STEPDOWN hold: do not preempt */
	enum {
		VRRP_PREEMPT_IDLE = 0, /* no delay started */
		VRRP_PREEMPT_RUNNING, /* timer armed, adverts still accepted */
		VRRP_PREEMPT_EXPIRED /* lower-priority adverts discarded */
	} preempt;
};

/**
 * vrrp_fsm_init - set up an instance in Initialize.
 * @f: the state machine (caller-owned storage)
 * @cfg: configuration, copied
 * The effective priority starts at the base priority.
 */
void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_cfg *cfg);

/**
 * vrrp_fsm_handle - feed one event.
 * @f: the state machine
 * @ev: the event
 * @out: cleared, then filled with the actions to run in order
 * Returns the new state.
 */
enum vrrp_state vrrp_fsm_handle(struct vrrp_fsm *f,
				const struct vrrp_fsm_event *ev,
				struct vrrp_fsm_out *out);

/**
 * vrrp_fsm_reconfigure - apply a reloaded configuration without a flap.
 * @f: the state machine (state, learned interval, master are kept)
 * @cfg: the new configuration, copied
 * @out: cleared, then filled: a Master re-arms its Adver_Timer and sends an
 *       advert at once if the priority or the interval changed;
 *       LEARN_INTERVAL if Master_Adver_Interval follows a new interval
 * The effective priority moves by the same amount as the base priority.
 * Returns the (unchanged) state.
 */
enum vrrp_state vrrp_fsm_reconfigure(struct vrrp_fsm *f,
				     const struct vrrp_fsm_cfg *cfg,
				     struct vrrp_fsm_out *out);

/**
 * vrrp_fsm_master_down_us - Master_Down_Interval for the current priority
 * and Master_Adver_Interval (vrrp_timer_master_down_us).
 * Returns microseconds.
 */
uint64_t vrrp_fsm_master_down_us(const struct vrrp_fsm *f);

/**
 * vrrp_state_name - "INIT", "BACKUP", "MASTER" or "FAULT" (keepalived's
 * words, as passed to notify scripts), "UNKNOWN" out of range.
 */
const char *vrrp_state_name(enum vrrp_state s);

/**
 * vrrp_fsm_ev_name - short name of an event type, for logs.
 */
const char *vrrp_fsm_ev_name(enum vrrp_fsm_ev_type t);

/**
 * vrrp_fsm_act_name - short name of an action type, for logs and tests.
 */
const char *vrrp_fsm_act_name(enum vrrp_fsm_act_type t);

#endif
