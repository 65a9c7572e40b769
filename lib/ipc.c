/*
 * ipc.c - typed messages over SOCK_SEQPACKET socketpairs. The message table
 * gives each type's exact payload size; ipc_validate (pure) checks the
 * header, the size and that every string field is NUL-terminated.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"

#define IPC_PAYLOAD_MAX (IPC_MAX - sizeof(struct ipc_hdr))
#define IPC_SEND_WAIT_MS 200

struct ipc_type_info {
	const char *name;
	size_t min, max; /* payload size range; min == max: exact */
};

static const struct ipc_type_info ipc_types[IPC_TYPE_MAX] = {
	[IPC_RELOAD] = { "RELOAD", sizeof(struct ipc_reload),
			 sizeof(struct ipc_reload) },
	[IPC_READY] = { "READY", sizeof(struct ipc_ready),
			sizeof(struct ipc_ready) },
	[IPC_STEPDOWN] = { "STEPDOWN", sizeof(struct ipc_name),
			   sizeof(struct ipc_name) },
	[IPC_VRRP_STATE] = { "VRRP_STATE", sizeof(struct ipc_vrrp_state),
			     sizeof(struct ipc_vrrp_state) },
	[IPC_RS_HEALTH] = { "RS_HEALTH",
			    offsetof(struct ipc_rs_health, reason) + 1,
			    sizeof(struct ipc_rs_health) },
	[IPC_STATUS_JSON] = { "STATUS_JSON", 1, IPC_PAYLOAD_MAX },
	[IPC_STOP] = { "STOP", 0, 0 },
};

const char *ipc_type_name(uint16_t type)
{
	if (type == 0 || type >= IPC_TYPE_MAX)
		return "UNKNOWN";
	return ipc_types[type].name;
}

static bool has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* check_fields - per-type content rules beyond the size (strings end). */
static const char *check_fields(uint16_t type, const void *p, size_t plen)
{
	const struct ipc_reload *rl = p;
	const struct ipc_ready *rd = p;
	const struct ipc_name *nm = p;
	const struct ipc_vrrp_state *vs = p;
	const struct ipc_rs_health *rh = p;

	switch (type) {
	case IPC_RELOAD:
		if (!has_nul(rl->path, sizeof(rl->path)) ||
		    !has_nul(rl->config_id, sizeof(rl->config_id)))
			return "unterminated string in RELOAD";
		break;
	case IPC_READY:
		if (!has_nul(rd->error, sizeof(rd->error)))
			return "unterminated string in READY";
		if (rd->ok != 0 && rd->ok != 1)
			return "READY ok is neither 0 nor 1";
		break;
	case IPC_STEPDOWN:
		if (!has_nul(nm->name, sizeof(nm->name)))
			return "unterminated name in STEPDOWN";
		break;
	case IPC_VRRP_STATE:
		if (!has_nul(vs->name, sizeof(vs->name)))
			return "unterminated name in VRRP_STATE";
		if (vs->state > IPC_ST_FAULT || vs->prev > IPC_ST_FAULT)
			return "unknown VRRP state";
		break;
	case IPC_RS_HEALTH:
		if (!has_nul(rh->reason,
			     plen - offsetof(struct ipc_rs_health, reason)))
			return "unterminated reason in RS_HEALTH";
		if (rh->up > 1)
			return "RS_HEALTH up is neither 0 nor 1";
		break;
	default:
		break;
	}
	return NULL;
}

/* validate_parts - the checks of ipc_validate on a split header/payload. */
static const char *validate_parts(const struct ipc_hdr *h, const void *payload,
				  size_t plen)
{
	const struct ipc_type_info *ti;
	union {
		struct ipc_reload rl;
		struct ipc_ready rd;
		struct ipc_name nm;
		struct ipc_vrrp_state vs;
		struct ipc_rs_health rh;
	} u;

	if (h->version != IPC_VERSION)
		return "unknown version";
	if (h->type == 0 || h->type >= IPC_TYPE_MAX)
		return "unknown type";
	if (h->len != plen)
		return "length field does not match the packet size";
	ti = &ipc_types[h->type];
	if (plen < ti->min || plen > ti->max)
		return "wrong payload size for the type";
	if (h->type == IPC_STATUS_JSON || plen == 0)
		return NULL;
	/* copy to an aligned buffer: @payload may be at any byte address */
	memcpy(&u, payload, plen);
	return check_fields(h->type, &u, plen);
}

int ipc_validate(const void *buf, size_t n, const char **why)
{
	struct ipc_hdr h;
	const char *w;

	if (n < sizeof(h))
		w = "shorter than the header";
	else if (n > IPC_MAX)
		w = "longer than IPC_MAX";
	else {
		memcpy(&h, buf, sizeof(h));
		w = validate_parts(&h, (const char *)buf + sizeof(h),
				   n - sizeof(h));
	}
	if (w && why)
		*why = w;
	return w ? -1 : 0;
}

int ipc_send(int fd, uint16_t type, const void *payload, uint32_t len)
{
	return ipc_send_fd(fd, type, payload, len, -1);
}

int ipc_send_fd(int fd, uint16_t type, const void *payload, uint32_t len,
		int passfd)
{
	struct ipc_hdr h = { .version = IPC_VERSION, .type = type, .len = len };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	size_t total = sizeof(h) + len;
	const char *why;
	bool waited = false;

	if (len > IPC_PAYLOAD_MAX || (len && !payload)) {
		errno = EINVAL;
		return -1;
	}
	/* refuse to emit what the peer would drop: catch the bug here */
	why = validate_parts(&h, payload, len);
	if (why) {
		log_err("ipc: refusing to send malformed %s (bug): %s",
			ipc_type_name(type), why);
		errno = EINVAL;
		return -1;
	}
	if (passfd >= 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (n == (ssize_t)total)
			return 0;
		if (n >= 0) {
			errno = EMSGSIZE; /* SEQPACKET sends all or nothing */
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN || waited)
			return -1;
		/* a full buffer is transient: wait once, bounded */
		waited = true;
		if (poll(&pfd, 1, IPC_SEND_WAIT_MS) <= 0) {
			errno = EAGAIN;
			return -1;
		}
	}
}

int ipc_recv(int fd, struct ipc_msg *m)
{
	return ipc_recv_fd(fd, m, NULL);
}

/* The descriptor that came with a message, or -1; a stray extra one (a
 * peer bug) is closed so that it cannot leak. */
static int take_fd(struct msghdr *mh)
{
	struct cmsghdr *c;
	int got = -1;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t i, n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			if (got < 0)
				got = f;
			else
				close(f);
		}
	}
	return got;
}

int ipc_recv_fd(int fd, struct ipc_msg *m, int *passfd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cm.buf,
			     .msg_controllen = sizeof(cm.buf) };
	const char *why;
	ssize_t n;
	int got;

	if (passfd)
		*passfd = -1;
	do
		n = recvmsg(fd, &mh,
			    MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	got = take_fd(&mh);
	if (n > 0 && (passfd == NULL || (mh.msg_flags & MSG_CTRUNC))) {
		if (got >= 0)
			close(got);
		got = -1;
	}
	if (n == 0) {
		if (got >= 0)
			close(got);
		errno = EPIPE;
		return -1;
	}
	if ((size_t)n > sizeof(*m)) {
		log_err("ipc: malformed message dropped (bug): %zd bytes, "
			"larger than IPC_MAX",
			n);
		goto drop;
	}
	if (ipc_validate(m, (size_t)n, &why) < 0) {
		log_err("ipc: malformed message dropped (bug): %s (%zd bytes)",
			why, n);
		goto drop;
	}
	if (passfd)
		*passfd = got;
	return 1;
drop:
	if (got >= 0)
		close(got);
	return -2;
}

int ipc_pair(int sv[2])
{
	return socketpair(AF_UNIX,
			  SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
}
