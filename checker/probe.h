/*
 * probe.h - one run of one checker. A probe owns its socket or child
 * process and a deadline; protocol modules (TCP, HTTP, SMTP, DNS, ...)
 * plug into the stream or datagram driver through struct chk_proto.
 */
#ifndef DD_CHK_PROBE_H
#define DD_CHK_PROBE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "checker/engine.h"
#include "evloop.h"

typedef struct ssl_st SSL;
struct script_child;

/* what a protocol hook tells the driver */
enum chk_verdict {
	CHK_V_MORE, /* keep going */
	CHK_V_OK, /* the check passed */
	CHK_V_FAIL, /* the check failed; p->reason says why */
	CHK_V_PROGRESS, /* passed, more runs needed (HTTP while down) */
};

enum chk_phase { CHK_PH_CONNECT, CHK_PH_TLS, CHK_PH_IO, CHK_PH_DONE };

struct chk_probe;

struct chk_proto {
	bool dgram; /* datagram driver instead of stream */
	bool tls; /* stream: TLS handshake before begin */
	/* stream: the checker speaks first (a request, a ClientHello), at
	 * once: the handshake's last ACK can ride on it */
	bool client_first;
	/* connected: queue the request with chk_probe_send (may decide) */
	enum chk_verdict (*begin)(struct chk_probe *p);
	/* bytes (stream) or one datagram arrived */
	enum chk_verdict (*input)(struct chk_probe *p, const uint8_t *d,
				  size_t n);
	/* stream: the peer closed; NULL means "closed before an answer" */
	enum chk_verdict (*eof)(struct chk_probe *p);
	/* deadline reached; NULL means a failure with a timeout reason */
	enum chk_verdict (*timeout)(struct chk_probe *p);
	/* release protocol state (may be NULL) */
	void (*release)(struct chk_probe *p);
};

/* thousands may be in flight: kept to 168 bytes (a 176-byte chunk) */
struct chk_probe {
	struct chk_engine *eng;
	struct chk *chk; /* NULL once its checker went away */
	struct chk_gen *gen;
	const struct cfg_check *cc;
	const struct cfg_rs *rs;
	const struct cfg_vs *vs;
	const struct chk_proto *proto;
	void *st; /* protocol state */
	SSL *ssl;
	struct chk_tmr deadline;
	uint8_t *out;
	uint32_t out_len, out_off; /* a request is a few hundred bytes */
	struct script_child *script; /* MISC: the running script, or NULL */
	struct chk_probe *next_script; /* MISC: in eng->scripts */
	uint64_t start_us;
	/* why it failed (at most CHK_REASON_MAX - 1 characters); allocated
	 * on the first failure: thousands of probes may be in flight */
	char *reason;
	int fd;
	int weight; /* MISC misc_dynamic result, -1 none */
	uint16_t url_idx; /* HTTP: URL of this run (CFG_URLS_MAX) */
	enum chk_phase phase : 8;
	/* stream: socket may go back to this pool (AF_INET, AF_INET6), 0
	 * not */
	uint8_t pool_family;
	/* stream: the pool p->fd came from or would join (sockpool.c), or
	 * CHK_POOL_STALE when sources changed since: closed at the end */
	uint8_t pool_src;
	bool got_data; /* stream: any byte received */
	bool connected; /* stream: the connection was made */
	bool reused; /* stream: p->fd came from the pool (still watched) */
};
_Static_assert(sizeof(struct chk_probe) <= 168, "chk_probe outgrew its chunk");

/**
 * chk_probe_run - start one run of checker @k.
 * @e: the engine
 * @k: the checker (k->probe is set while the run is in flight)
 * A probe that cannot even start completes at once with a failure.
 */
void chk_probe_run(struct chk_engine *e, struct chk *k);

/**
 * chk_probe_start - start one run of @k whose slot is already counted
 * (chk_slot_take, or the queue's drain).
 */
void chk_probe_start(struct chk_engine *e, struct chk *k);

/**
 * chk_probe_cancel - abandon a run whose checker is going away.
 * @p: the probe; its I/O stops, a script's process group is killed
 */
void chk_probe_cancel(struct chk_probe *p);

/**
 * chk_probe_finish - end a run with @v, report it and free the probe.
 * @p: the probe
 * @v: CHK_V_OK, CHK_V_FAIL or CHK_V_PROGRESS
 */
void chk_probe_finish(struct chk_probe *p, enum chk_verdict v);

/**
 * chk_probe_watch - wait on the probe's socket and arm its deadline.
 * @p: the probe, with p->fd open and p->start_us set (a socket taken from
 *     the pool, p->reused, is already watched and gets a new owner)
 * @events: EPOLLIN or EPOLLOUT
 * @io: called when the socket is ready
 * @tmo_us: the deadline after p->start_us
 * @timeout: called with &p->deadline when the deadline passes first
 * On failure the probe is finished as failed (the reason set) and freed:
 * the caller must not touch @p afterwards.
 */
void chk_probe_watch(struct chk_probe *p, uint32_t events, ev_fd_cb io,
		     uint64_t tmo_us, chk_tmr_cb timeout);

/**
 * chk_probe_fail - set the failure reason (printf style).
 * Returns CHK_V_FAIL, so hooks can "return chk_probe_fail(p, ...)".
 */
enum chk_verdict chk_probe_fail(struct chk_probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * chk_probe_send - queue bytes to write to the peer (stream driver).
 * Returns 0 or -1 on allocation failure.
 */
int chk_probe_send(struct chk_probe *p, const void *d, size_t n);

/**
 * chk_probe_target - the address and port a probe connects to.
 * @cc: the checker
 * @rs: its real server
 * @ss: filled with the address (port @port)
 * Returns the sockaddr length.
 */
socklen_t chk_probe_target(const struct cfg_check *cc, const struct cfg_rs *rs,
			   struct sockaddr_storage *ss);

/**
 * chk_sock_poolable - whether @cc's stream sockets may be shared through
 * the engine's socket pool: not when a source option binds them.
 */
bool chk_sock_poolable(const struct cfg_check *cc, int family);

/**
 * chk_sock_pool_any - the pool of sockets of @family bound to no address.
 */
uint8_t chk_sock_pool_any(int family);

/**
 * chk_sock_take - an idle TCP socket of @family from the pools.
 * @e: the engine
 * @family: AF_INET or AF_INET6
 * @src: the pool of the checker's source address (chk.src), 0 not known
 * @from: set to the pool the socket comes from, or that a new socket
 *        starts in when none is idle
 * Returns the descriptor (still watched by the loop, parked) or -1 if no
 * socket fits.
 */
int chk_sock_take(struct chk_engine *e, int family, uint8_t src, uint8_t *from);

/**
 * chk_sock_give - abort the connection of @fd and keep it for reuse.
 * @e: the engine
 * @fd: a connected TCP socket of @family, watched by the loop
 * @family: AF_INET or AF_INET6
 * @from: its pool (chk_sock_take), or CHK_POOL_STALE
 * @fresh: @fd is new, not from a pool: bind it to its connection's source
 *         address and port, which it keeps from now on
 * @k: its checker, which learns the source address of a fresh socket
 *     (NULL none)
 * Returns true when @fd went to a pool; false when the caller must close
 * it (pool full, sources changed, or the abort failed).
 */
bool chk_sock_give(struct chk_engine *e, int fd, int family, uint8_t from,
		   bool fresh, struct chk *k);

/**
 * chk_sock_pool_shed - close the least recently used idle socket of the
 * largest pool, to make room under the descriptor budget.
 * Returns true when one was closed, false when the pools are empty.
 */
bool chk_sock_pool_shed(struct chk_engine *e);

/**
 * chk_sock_pool_reset - forget the source addresses learned: close the
 * idle sockets, and those lent to probes when they come back.
 * Called when routing changed (srcwatch.c) and for a new generation.
 */
void chk_sock_pool_reset(struct chk_engine *e);

/**
 * chk_sock_pool_sources - how many source addresses the pools learned.
 */
size_t chk_sock_pool_sources(const struct chk_engine *e);

/**
 * chk_sock_pool_free - close the pooled sockets and free the pools.
 */
void chk_sock_pool_free(struct chk_engine *e);

/**
 * chk_srcwatch_start - watch rtnetlink for changes of addresses, routes,
 * rules and links, each of which resets the socket pools.
 * @e: the engine (e->srcwatch_fd is set, -1 on failure)
 * Returns 0, or -1 (logged): pooled sockets then keep only their port.
 */
int chk_srcwatch_start(struct chk_engine *e);

/**
 * chk_srcwatch_stop - close the watch, if open.
 */
void chk_srcwatch_stop(struct chk_engine *e);

/**
 * chk_sock_open - create a non-blocking socket with the checker's source
 * options (bindto, bind_port, bind_if, fwmark) applied.
 * @cc: the checker
 * @family: AF_INET or AF_INET6
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @proto: protocol (0, IPPROTO_ICMP, IPPROTO_ICMPV6)
 * @reason: receives the reason on failure
 * Returns the descriptor or -1.
 */
int chk_sock_open(const struct cfg_check *cc, int family, int type, int proto,
		  char reason[CHK_REASON_MAX]);

/**
 * chk_dgram_connect - open p->fd as a connected datagram socket to the
 * target (for the begin hook of datagram protocols).
 * @p: the probe
 * @type: SOCK_DGRAM or SOCK_RAW
 * @proto: 0, IPPROTO_ICMP or IPPROTO_ICMPV6
 * Returns 0, or -1 with p->reason set.
 */
int chk_dgram_connect(struct chk_probe *p, int type, int proto);

/* drivers (stream.c, dgram.c, misc.c) */
void chk_stream_start(struct chk_probe *p);
void chk_dgram_start(struct chk_probe *p);
void chk_misc_start(struct chk_probe *p);
void chk_misc_cancel(struct chk_probe *p);

/* protocol tables */
extern const struct chk_proto chk_proto_tcp, chk_proto_http, chk_proto_ssl,
	chk_proto_smtp, chk_proto_dns, chk_proto_udp, chk_proto_ping;

#endif
