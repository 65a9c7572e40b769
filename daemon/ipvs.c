/*
 * ipvs.c - the IPVS backend of fwd.h over generic netlink: one long-lived
 * socket, the family id resolved once, answers matched by sequence number.
 * Changes are packed many per datagram. The kernel handles the messages of
 * a datagram in turn, in the sender's own sendmsg (netlink_rcv_skb), and
 * answers every failed message with its error whether or not it asked for
 * an ack; so only the last message of a batch asks (NLM_F_ACK). Its ack
 * comes after the errors of all the others: once it is read, a message
 * without an error succeeded. One failure costs nothing to the others, and
 * every result is known without an ack per change (which, for a table of
 * 10,000 destinations, was 10,000 skbs allocated, queued and read). A lost
 * answer (receive buffer overrun: ENOBUFS) fails the unanswered messages.
 * The answers of a batch are read with recvmmsg.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "ipvs_msg.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* datagram budget: well below the default wmem, and few enough acks that
 * they fit the receive buffer even when each carries the whole request */
#define BATCH_BYTES 32768
#define BATCH_MSGS 128
#define RX_BYTES 65536
/* one ack: 36 bytes with NETLINK_CAP_ACK, the request echoed without it */
#define ACK_BYTES (IPVS_MSG_MAX + 512)
#define IO_TIMEOUT_S 5

struct ipvs {
	struct mnl_socket *nl;
	uint32_t portid;
	uint16_t family;
	uint32_t seq;
	char *tx, *rx;
	/* the acks of a batch: each is a datagram of its own, so one
	 * recvmmsg takes them all instead of one recvmsg each */
	char *acks;
	struct mmsghdr mm[BATCH_MSGS];
	struct iovec iov[BATCH_MSGS];
	struct sockaddr_nl from[BATCH_MSGS];
};

static void ipvs_close(void *p)
{
	struct ipvs *h = p;

	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->tx);
	free(h->rx);
	free(h->acks);
	free(h);
}

/* receive one datagram of replies; -errno on failure */
static ssize_t rx(struct ipvs *h)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(h->nl, h->rx, RX_BYTES);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* receive up to BATCH_MSGS datagrams (waits for the first only); returns
 * their count or -errno; datagrams that are not the kernel's are emptied */
static int rx_acks(struct ipvs *h)
{
	int n;

	for (int i = 0; i < BATCH_MSGS; i++) {
		h->iov[i] = (struct iovec){ h->acks + (size_t)i * ACK_BYTES,
					    ACK_BYTES };
		h->mm[i].msg_hdr = (struct msghdr){
			.msg_name = &h->from[i],
			.msg_namelen = sizeof(h->from[i]),
			.msg_iov = &h->iov[i],
			.msg_iovlen = 1,
		};
		h->mm[i].msg_len = 0;
	}
	do
		n = recvmmsg(mnl_socket_get_fd(h->nl), h->mm, BATCH_MSGS,
			     MSG_WAITFORONE, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		if (h->from[i].nl_pid != 0)
			h->mm[i].msg_len = 0;
	return n;
}

static int tx(struct ipvs *h, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = mnl_socket_sendto(h->nl, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/*
 * Send @len bytes holding @count requests numbered from @first, of which
 * the last asks for an ack, and wait for that ack; res[i] = 0 or -errno.
 * The earlier requests answer only when they fail, and before the last
 * one's ack (see the top of the file). Returns 0 or a transport -errno
 * (then the unanswered requests are marked with it).
 */
static int xfer(struct ipvs *h, const void *buf, size_t len, uint32_t first,
		size_t count, int *res)
{
	bool done = false;
	int err;

	for (size_t i = 0; i < count; i++)
		res[i] = 1; /* pending */
	err = tx(h, buf, len);
	while (!err && !done) {
		int got = rx_acks(h);

		if (got < 0) {
			err = got;
			break;
		}
		for (int m = 0; m < got; m++) {
			const struct nlmsghdr *nlh = h->iov[m].iov_base;
			int left = (int)h->mm[m].msg_len;

			for (; mnl_nlmsg_ok(nlh, left);
			     nlh = mnl_nlmsg_next(nlh, &left)) {
				uint32_t idx = nlh->nlmsg_seq - first;
				int e;

				if (nlh->nlmsg_pid != h->portid ||
				    idx >= count || res[idx] != 1 ||
				    !ipvs_msg_ack(nlh, &e))
					continue;
				res[idx] = e;
				if (idx == count - 1)
					done = true;
			}
		}
	}
	for (size_t i = 0; i < count; i++)
		if (res[i] == 1)
			res[i] = done ? 0 : err ? err : -EIO;
	return err;
}

static int request(struct ipvs *h, const void *msg, size_t len)
{
	int res;
	int err;

	if (!len)
		return -EINVAL;
	err = xfer(h, msg, len, ((const struct nlmsghdr *)msg)->nlmsg_seq, 1,
		   &res);
	return err ? err : res;
}

static void *ipvs_open(char *err, size_t errlen)
{
	struct ipvs *h = calloc(1, sizeof(*h));
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	int one = 1, rcvbuf = 4 << 20;
	const struct nlmsghdr *nlh;
	size_t len;
	ssize_t n;
	int left;

	if (!h || !(h->tx = malloc(BATCH_BYTES + IPVS_MSG_MAX)) ||
	    !(h->rx = malloc(RX_BYTES)) ||
	    !(h->acks = malloc((size_t)BATCH_MSGS * ACK_BYTES))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	h->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!h->nl || mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "generic netlink socket: %s",
			 strerror(errno));
		goto fail;
	}
	h->portid = mnl_socket_get_portid(h->nl);
	/* short acks; room for a full batch of acks (FORCE needs root,
	 * the plain option is capped by rmem_max) */
	mnl_socket_setsockopt(h->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(h->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(h->nl), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	setsockopt(mnl_socket_get_fd(h->nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));

	h->seq = (uint32_t)time(NULL);
	len = ipvs_msg_family_req(h->tx, IPVS_MSG_MAX, ++h->seq);
	if (tx(h, h->tx, len) < 0 || (n = rx(h)) < 0) {
		snprintf(err, errlen, "generic netlink: %s", strerror(errno));
		goto fail;
	}
	left = (int)n;
	for (nlh = (const void *)h->rx; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		int e;

		if (nlh->nlmsg_seq != h->seq)
			continue;
		if (ipvs_msg_ack(nlh, &e) && e) {
			snprintf(err, errlen,
				 "IPVS not available: no generic netlink "
				 "family \"" IPVS_GENL_NAME "\" (%s; is the "
				 "ip_vs module loaded?)",
				 strerror(-e));
			goto fail;
		}
		if (ipvs_msg_family_parse(nlh, &h->family) == 0)
			return h;
	}
	snprintf(err, errlen, "IPVS not available: no family id in reply");
fail:
	ipvs_close(h);
	return NULL;
}

static uint8_t op_cmd(enum fwd_op_kind k)
{
	static const uint8_t cmd[] = {
		[FWD_SVC_NEW] = IPVS_CMD_NEW_SERVICE,
		[FWD_SVC_SET] = IPVS_CMD_SET_SERVICE,
		[FWD_SVC_DEL] = IPVS_CMD_DEL_SERVICE,
		[FWD_DEST_NEW] = IPVS_CMD_NEW_DEST,
		[FWD_DEST_SET] = IPVS_CMD_SET_DEST,
		[FWD_DEST_DEL] = IPVS_CMD_DEL_DEST,
	};

	return cmd[k];
}

static size_t encode_op(struct ipvs *h, char *buf, uint32_t seq,
			const struct fwd_op *op)
{
	uint8_t cmd = op_cmd(op->kind);

	if (op->kind <= FWD_SVC_DEL)
		return ipvs_msg_svc_req(buf, IPVS_MSG_MAX, h->family, seq, cmd,
					&op->svc);
	return ipvs_msg_dest_req(buf, IPVS_MSG_MAX, h->family, seq, cmd,
				 &op->svc, &op->dest);
}

static int ipvs_apply(void *p, const struct fwd_op *ops, size_t n, int *res)
{
	struct ipvs *h = p;
	int first_err = 0;
	size_t i = 0;

	while (i < n) {
		size_t len = 0, count = 0, idx[BATCH_MSGS];
		int r[BATCH_MSGS];
		uint32_t first = h->seq + 1;
		struct nlmsghdr *last = NULL;

		/* pack; an op that cannot be encoded fails on its own */
		while (i < n && count < BATCH_MSGS && len < BATCH_BYTES) {
			size_t m = encode_op(h, h->tx + len, first + count,
					     &ops[i]);

			if (!m) {
				res[i++] = -EINVAL;
				continue;
			}
			/* only the last one asks for an ack (see xfer) */
			last = (struct nlmsghdr *)(h->tx + len);
			last->nlmsg_flags &= ~NLM_F_ACK;
			idx[count++] = i++;
			len += m;
		}
		if (last)
			last->nlmsg_flags |= NLM_F_ACK;
		h->seq = first + count - 1;
		if (count)
			xfer(h, h->tx, len, first, count, r);
		for (size_t k = 0; k < count; k++)
			res[idx[k]] = r[k];
	}
	for (i = 0; i < n; i++)
		if (res[i] && !first_err)
			first_err = res[i];
	return first_err;
}

/*
 * Run one dump request and call @cb on each reply part; returns 0 or
 * -errno (an NLMSG_ERROR, or an error carried by NLMSG_DONE).
 */
static int dump(struct ipvs *h, size_t len,
		int (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	uint32_t seq = ((const struct nlmsghdr *)h->tx)->nlmsg_seq;
	int err;

	if (!len)
		return -EINVAL;
	if ((err = tx(h, h->tx, len)) < 0)
		return err;
	for (;;) {
		ssize_t n = rx(h);
		const struct nlmsghdr *nlh = (const void *)h->rx;
		int left = (int)n;

		if (n < 0)
			return (int)n;
		for (; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			int e = 0;

			if (nlh->nlmsg_seq != seq ||
			    nlh->nlmsg_pid != h->portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (mnl_nlmsg_get_payload_len(nlh) >=
				    sizeof(int))
					memcpy(&e, mnl_nlmsg_get_payload(nlh),
					       sizeof(int));
				return e < 0 ? e : 0;
			}
			if (ipvs_msg_ack(nlh, &e))
				return e ? e : -EIO;
			if ((err = cb(nlh, arg)) < 0)
				return err;
		}
	}
}

/* a dump in progress: the table, the entry whose destinations come, and
 * whether the counters are kept */
struct dump_to {
	struct fwd_table *t;
	size_t i;
	bool counters;
};

static int svc_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_to *to = arg;
	struct fwd_counters c, *cp = to->counters ? &c : NULL;
	struct fwd_svc s;

	if (ipvs_msg_svc_parse(nlh, &s, cp) < 0)
		return 0; /* not a service we can name: skip */
	/* the parse left s.ctr 0: no counters */
	if (cp && !(s.ctr = fwd_table_add_counters(to->t, cp)))
		return -ENOMEM;
	return fwd_table_add(to->t, &s) ? 0 : -ENOMEM;
}

static int dest_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_to *to = arg;
	struct fwd_entry *e = &to->t->entries[to->i];
	struct fwd_counters c, *cp = to->counters ? &c : NULL;
	struct fwd_dest d;

	if (ipvs_msg_dest_parse(nlh, e->svc.af, &d, cp) < 0)
		return 0;
	if (cp && !(d.ctr = fwd_table_add_counters(to->t, cp)))
		return -ENOMEM;
	return fwd_entry_add_dest(e, &d) < 0 ? -ENOMEM : 0;
}

static int ipvs_dump(void *p, struct fwd_table *out, bool counters)
{
	struct ipvs *h = p;
	struct dump_to to = { out, 0, counters };
	int err;

	memset(out, 0, sizeof(*out));
	err = dump(
		h,
		ipvs_msg_svc_dump_req(h->tx, IPVS_MSG_MAX, h->family, ++h->seq),
		svc_cb, &to);
	for (to.i = 0; !err && to.i < out->n; to.i++) {
		err = dump(h,
			   ipvs_msg_dest_dump_req(h->tx, IPVS_MSG_MAX,
						  h->family, ++h->seq,
						  &out->entries[to.i].svc),
			   dest_cb, &to);
		/* deleted by someone else between the two dumps */
		if (err == -ESRCH)
			err = 0;
	}
	if (err)
		fwd_table_free(out);
	else
		fwd_table_sort(out);
	return err;
}

static int ipvs_sync_start(void *p, const struct fwd_sync *s)
{
	struct ipvs *h = p;

	return request(h, h->tx,
		       ipvs_msg_daemon_req(h->tx, IPVS_MSG_MAX, h->family,
					   ++h->seq, IPVS_CMD_NEW_DAEMON, s));
}

static int ipvs_sync_stop(void *p, enum fwd_sync_state state)
{
	struct ipvs *h = p;
	struct fwd_sync s = { .state = state };

	return request(h, h->tx,
		       ipvs_msg_daemon_req(h->tx, IPVS_MSG_MAX, h->family,
					   ++h->seq, IPVS_CMD_DEL_DAEMON, &s));
}

static int ipvs_set_timeouts(void *p, const struct fwd_timeouts *t)
{
	struct ipvs *h = p;

	return request(h, h->tx,
		       ipvs_msg_timeouts_req(h->tx, IPVS_MSG_MAX, h->family,
					     ++h->seq, t));
}

static int ipvs_flush(void *p)
{
	struct ipvs *h = p;

	return request(
		h, h->tx,
		ipvs_msg_flush_req(h->tx, IPVS_MSG_MAX, h->family, ++h->seq));
}

const struct fwd_backend fwd_ipvs = {
	.name = "ipvs",
	.open = ipvs_open,
	.apply = ipvs_apply,
	.dump = ipvs_dump,
	.sync_start = ipvs_sync_start,
	.sync_stop = ipvs_sync_stop,
	.set_timeouts = ipvs_set_timeouts,
	.flush = ipvs_flush,
	.close = ipvs_close,
};
