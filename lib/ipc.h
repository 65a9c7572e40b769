/*
 * ipc.h - typed messages between core and its children, over SOCK_SEQPACKET
 * socketpairs (one message per packet). Every message is a header plus a
 * payload whose size is checked exactly against the type's table; a message
 * that fails the check is logged as a bug and dropped.
 */
#ifndef DD_IPC_H
#define DD_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"

#define IPC_VERSION 1
#define IPC_MAX 65536 /* header + payload */

struct ipc_hdr {
	uint16_t version;
	uint16_t type;
	uint32_t len; /* payload bytes */
};

enum ipc_type {
	IPC_RELOAD = 1, /* core -> child: struct ipc_reload */
	IPC_READY, /* child -> core: struct ipc_ready */
	IPC_STEPDOWN, /* core -> vrrp: struct ipc_name */
	IPC_VRRP_STATE, /* vrrp -> core: struct ipc_vrrp_state */
	IPC_RS_HEALTH, /* checker -> core, core -> checker: struct ipc_rs_health */
	IPC_STATUS_JSON, /* child -> core: JSON text, 1..IPC_MAX-hdr bytes */
	IPC_STOP, /* core -> child: no payload; orderly stop */
	IPC_TYPE_MAX,
};

/* core asks the child to (re)load the configuration of @generation */
struct ipc_reload {
	uint32_t generation;
	char path[512];
	char config_id[64];
};

/* the child has (or has not) applied @generation */
struct ipc_ready {
	uint32_t generation;
	int32_t ok; /* 1 applied, 0 refused */
	char error[256];
};

struct ipc_name {
	char name[64];
};

/* VRRP states, RFC 5798 section 6.4 plus keepalived's FAULT */
enum ipc_vrrp_st { IPC_ST_INIT, IPC_ST_BACKUP, IPC_ST_MASTER, IPC_ST_FAULT };

struct ipc_vrrp_state {
	char name[64];
	uint8_t state; /* enum ipc_vrrp_st */
	uint8_t prev;
	uint16_t priority; /* effective */
	struct addr master; /* current master's address (family 0: unknown) */
};

/* health of one real server, identified within a configuration generation */
struct ipc_rs_health {
	uint32_t generation;
	uint32_t vs; /* index into cfg->vss */
	uint32_t rs; /* index into that vs's rss */
	uint8_t up;
	int32_t weight; /* MISC_CHECK misc_dynamic weight, -1 none */
	char reason[128]; /* sent up to its NUL (ipc_rs_health_len) */
};

/**
 * ipc_rs_health_len - the payload length of @h: up to the reason's NUL,
 * so that a queue of them stays small.
 * @h: a message whose reason ends within its array
 * Returns the number of bytes to send.
 */
static inline uint32_t ipc_rs_health_len(const struct ipc_rs_health *h)
{
	size_t n = strnlen(h->reason, sizeof(h->reason) - 1);

	return (uint32_t)(offsetof(struct ipc_rs_health, reason) + n + 1);
}

/* a received message; payload is valid for hdr.len bytes */
struct ipc_msg {
	struct ipc_hdr hdr;
	union {
		uint8_t raw[IPC_MAX - sizeof(struct ipc_hdr)];
		struct ipc_reload reload;
		struct ipc_ready ready;
		struct ipc_name name;
		struct ipc_vrrp_state vrrp_state;
		struct ipc_rs_health rs_health;
	} u;
};

/**
 * ipc_validate - check a received packet against the message table (pure).
 * @buf: bytes received
 * @n: their count
 * @why: set to the reason on failure
 * Returns 0 when the packet is a well-formed message, -1 otherwise.
 */
int ipc_validate(const void *buf, size_t n, const char **why);

/**
 * ipc_send - send one message.
 * @fd: the socketpair end
 * @type: enum ipc_type
 * @payload: the payload (may be NULL when @len is 0)
 * @len: payload size; must match the table
 * Returns 0, or -1 with errno set.
 */
int ipc_send(int fd, uint16_t type, const void *payload, uint32_t len);

/**
 * ipc_send_fd - send one message with a file descriptor attached.
 * @fd: the socketpair end
 * @type: enum ipc_type
 * @payload: the payload (may be NULL when @len is 0)
 * @len: payload size; must match the table
 * @passfd: descriptor to pass (SCM_RIGHTS), or -1 for none; the caller
 *          keeps its own copy
 * Returns 0, or -1 with errno set.
 */
int ipc_send_fd(int fd, uint16_t type, const void *payload, uint32_t len,
		int passfd);

/**
 * ipc_recv - receive and validate one message.
 * @fd: the socketpair end (non-blocking)
 * @m: receives the message
 * Returns 1 for a message, 0 when nothing is waiting, -1 on a closed peer or
 * error (errno set; EPIPE for a closed peer), -2 for a malformed message
 * (already logged and dropped).
 */
int ipc_recv(int fd, struct ipc_msg *m);

/**
 * ipc_recv_fd - ipc_recv that also takes a passed file descriptor.
 * @fd: the socketpair end (non-blocking)
 * @m: receives the message
 * @passfd: receives the descriptor that came with the message (close-on-
 *          exec), or -1; when NULL, any such descriptor is closed
 * Returns as ipc_recv; *@passfd is -1 unless 1 is returned.
 */
int ipc_recv_fd(int fd, struct ipc_msg *m, int *passfd);

/**
 * ipc_type_name - a message type's name for log lines.
 * Returns "RELOAD", "READY", ... or "UNKNOWN".
 */
const char *ipc_type_name(uint16_t type);

/**
 * ipc_pair - create a SOCK_SEQPACKET socketpair, non-blocking and
 * close-on-exec.
 * @sv: the two ends
 * Returns 0 or -1.
 */
int ipc_pair(int sv[2]);

#endif
