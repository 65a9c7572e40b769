/*
 * fwd.h - the forwarding-table backend interface: services, destinations,
 * a table dump and the connection-sync daemon, in backend-neutral types.
 * The IPVS generic-netlink backend (ipvs.c) is the one implementation; the
 * model and the reconcile (lvs_model.c, lvs_diff.c) speak only these types.
 */
#ifndef DD_FWD_H
#define DD_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define FWD_SCHED_MAX 16 /* IP_VS_SCHEDNAME_MAXLEN */
#define FWD_PE_MAX 32 /* IP_VS_PENAME_MAXLEN */
#define FWD_IFNAME_MAX 16

/* service flags, the kernel's IP_VS_SVC_F_* values */
#define FWD_SVC_F_PERSISTENT 0x0001
#define FWD_SVC_F_HASHED 0x0002
#define FWD_SVC_F_ONEPACKET 0x0004
#define FWD_SVC_F_SCHED1 0x0008 /* sh/mh fallback */
#define FWD_SVC_F_SCHED2 0x0010 /* sh/mh port */
#define FWD_SVC_F_SCHED3 0x0020

/* forwarding methods, the kernel's IP_VS_CONN_F_* values */
enum fwd_method { FWD_MASQ = 0, FWD_LOCAL = 1, FWD_TUNNEL = 2, FWD_DROUTE = 3 };

/* kernel counters of a service or destination (STATS64) */
struct fwd_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/* What a dump adds to a service or destination: the kernel's counters. They
 * live beside the table, so that the desired tables and the operations,
 * thousands of entries each, do not carry them. */
struct fwd_counters {
	uint32_t active_conns, inact_conns, persist_conns; /* destinations */
	struct fwd_stats stats;
};

/*
 * A virtual service. Identity: af + fwmark, or af + protocol + addr + port
 * when fwmark is 0.
 */
struct fwd_svc {
	int af; /* AF_INET / AF_INET6 */
	uint16_t protocol; /* IPPROTO_*; 0 for fwmark services */
	struct addr addr; /* family 0 for fwmark services */
	uint16_t port; /* host order */
	uint32_t fwmark;
	char sched[FWD_SCHED_MAX];
	uint32_t flags; /* FWD_SVC_F_* */
	uint32_t timeout; /* persistence, seconds */
	uint32_t netmask; /* v4: mask in network order; v6: prefix length */
	char pe_name[FWD_PE_MAX];
	uint32_t ctr; /* dumps: its counters (fwd_table_counters), 0 none */
};

/* A destination (real server) of a service. Identity: addr + port. */
struct fwd_dest {
	struct addr addr;
	uint16_t port; /* host order */
	enum fwd_method method;
	uint32_t weight;
	uint32_t u_thresh, l_thresh;
	uint8_t tun_type; /* tunnel only: IPIP 0, GUE 1, GRE 2 */
	uint16_t tun_port; /* tunnel only, GUE port, host order */
	uint16_t tun_flags; /* tunnel only: csum 1, remcsum 2 */
	uint32_t ctr; /* dumps: its counters (fwd_table_counters), 0 none */
};

/* A service with its destinations, as dumped or as desired. */
struct fwd_entry {
	struct fwd_svc svc;
	struct fwd_dest *dests;
	size_t n_dests;
};

/* A whole table: what the kernel holds, or what the configuration wants. */
struct fwd_table {
	struct fwd_entry *entries;
	size_t n;
	struct fwd_counters *ctrs; /* dumps: the items' counters */
	size_t n_ctrs;
};

enum fwd_op_kind {
	FWD_SVC_NEW,
	FWD_SVC_SET,
	FWD_SVC_DEL,
	FWD_DEST_NEW,
	FWD_DEST_SET,
	FWD_DEST_DEL,
};

/* One change to the table; @dest is used by the FWD_DEST_* kinds only. */
struct fwd_op {
	enum fwd_op_kind kind;
	/* FWD_SVC_SET that binds the scheduler of a service this same list
	 * created without one (lvs_diff_in.defer_sched): part of its
	 * FWD_SVC_NEW, not an edit of its own */
	bool bind;
	struct fwd_svc svc;
	struct fwd_dest dest;
};

/* The kernel's connection-sync daemon. */
enum fwd_sync_state { FWD_SYNC_MASTER = 1, FWD_SYNC_BACKUP = 2 };

struct fwd_sync {
	enum fwd_sync_state state;
	char ifname[FWD_IFNAME_MAX];
	uint32_t syncid;
	uint16_t maxlen; /* 0: kernel default */
	struct addr group; /* family 0: kernel default */
	uint16_t port; /* 0: kernel default */
	uint8_t ttl; /* 0: kernel default */
};

/* Global connection timeouts in seconds; 0 keeps the kernel's value. */
struct fwd_timeouts {
	uint32_t tcp, tcp_fin, udp;
};

/*
 * A backend. Every function returns 0 or a negative errno; apply() also
 * reports each operation's own result so that the caller can name the object.
 */
struct fwd_backend {
	const char *name;
	/* open: create the handle; on failure fill @err and return NULL */
	void *(*open)(char *err, size_t errlen);
	/* apply: run @n ops in order; @res[i] = 0 or -errno; returns 0 or the
	 * first failure (the others are still attempted) */
	int (*apply)(void *h, const struct fwd_op *ops, size_t n, int *res);
	/* dump: fill @out with every service and destination, and their
	 * counters when @counters (status; a reconcile needs none); free
	 * with fwd_table_free */
	int (*dump)(void *h, struct fwd_table *out, bool counters);
	/* sync_start / sync_stop: the connection-sync daemon of one state */
	int (*sync_start)(void *h, const struct fwd_sync *s);
	int (*sync_stop)(void *h, enum fwd_sync_state state);
	/* set_timeouts: global tcp / tcpfin / udp timeouts */
	int (*set_timeouts)(void *h, const struct fwd_timeouts *t);
	/* flush: delete every service (lvs_flush_on_stop) */
	int (*flush)(void *h);
	void (*close)(void *h);
};

/* the IPVS generic-netlink backend (ipvs.c) */
extern const struct fwd_backend fwd_ipvs;

/**
 * fwd_svc_cmp - order services by identity (af, fwmark, protocol, addr, port).
 * Returns <0, 0, >0; 0 means the same kernel service.
 */
int fwd_svc_cmp(const struct fwd_svc *a, const struct fwd_svc *b);

/**
 * fwd_dest_cmp - order destinations by identity (addr, port).
 * Returns <0, 0, >0.
 */
int fwd_dest_cmp(const struct fwd_dest *a, const struct fwd_dest *b);

/**
 * fwd_svc_fmt - name a service for messages: "[192.0.2.10]:tcp:80" or
 * "fwmark 7" (IPv6 fwmark services: "fwmark 7 inet6").
 * @s: service
 * @buf: output
 * @len: size of @buf (80 is always enough)
 * Returns @buf.
 */
const char *fwd_svc_fmt(const struct fwd_svc *s, char *buf, size_t len);

/**
 * fwd_dest_fmt - name a destination: "[198.51.100.11]:80".
 * Returns @buf.
 */
const char *fwd_dest_fmt(const struct fwd_dest *d, char *buf, size_t len);

/**
 * fwd_table_sort - sort entries by service and each entry's dests by dest.
 */
void fwd_table_sort(struct fwd_table *t);

/**
 * fwd_table_find - binary search a sorted table for a service.
 * Returns the entry or NULL.
 */
const struct fwd_entry *fwd_table_find(const struct fwd_table *t,
				       const struct fwd_svc *s);

/**
 * fwd_entry_find_dest - binary search an entry's sorted dests.
 * Returns the dest or NULL.
 */
const struct fwd_dest *fwd_entry_find_dest(const struct fwd_entry *e,
					   const struct fwd_dest *d);

/**
 * fwd_table_add - append a service (no dests) to @t.
 * Returns the new entry, or NULL on allocation failure.
 */
struct fwd_entry *fwd_table_add(struct fwd_table *t, const struct fwd_svc *s);

/**
 * fwd_entry_add_dest - append a destination to @e.
 * Returns 0, or -1 on allocation failure.
 */
int fwd_entry_add_dest(struct fwd_entry *e, const struct fwd_dest *d);

/**
 * fwd_table_add_counters - keep the counters of a service or destination a
 * dump is adding to @t.
 * @t: the table
 * @c: the counters
 * Returns the value for the item's ctr field, or 0 on allocation failure.
 */
uint32_t fwd_table_add_counters(struct fwd_table *t,
				const struct fwd_counters *c);

/**
 * fwd_table_counters - the counters a dump kept for an item of @t.
 * @t: the table
 * @ctr: the item's ctr field
 * Returns the counters, or NULL when the item has none.
 */
const struct fwd_counters *fwd_table_counters(const struct fwd_table *t,
					      uint32_t ctr);

/**
 * fwd_table_free - release the entries and counters of @t and zero it.
 */
void fwd_table_free(struct fwd_table *t);

#endif
