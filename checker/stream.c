/*
 * stream.c - the stream (TCP, optionally TLS) probe driver: non-blocking
 * connect, TLS handshake, write the request, feed replies to the protocol.
 * One deadline (connect_timeout) bounds the whole exchange, so a server
 * that accepts and stays silent or drips bytes is caught. The socket is
 * watched edge-triggered for input and output from the start, so a probe
 * costs one epoll_ctl however many steps it takes: every step runs until
 * the socket says EAGAIN (or OpenSSL says WANT_READ/WANT_WRITE), after
 * which the next edge comes by itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "evloop.h"
#include "log.h"
#include "checker/notify.h"
#include "checker/probe.h"
#include "checker/tls.h"

#define STREAM_RBUF 16384
#define STREAM_READS_PER_EVENT 8
#define STREAM_EVENTS (EPOLLIN | EPOLLOUT | EPOLLET)

static const char *stream_errstr(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "connection refused";
	case ETIMEDOUT:
		return "connect timeout";
	case ECONNRESET:
		return "connection reset";
	case EHOSTUNREACH:
		return "host unreachable";
	case ENETUNREACH:
		return "network unreachable";
	default:
		return strerror(err);
	}
}

static void stream_end(struct chk_probe *p, enum chk_verdict v)
{
	if (v != CHK_V_MORE)
		chk_probe_finish(p, v);
}

/* connect_timeout, keepalived's 5 s when unset */
static uint64_t stream_tmo(const struct chk_probe *p)
{
	return p->cc->connect_timeout_us ? p->cc->connect_timeout_us : 5000000;
}

static void stream_timeout(struct chk_tmr *t)
{
	struct chk_probe *p = chk_tmr_owner(t, struct chk_probe, deadline);

	switch (p->phase) {
	case CHK_PH_CONNECT:
		chk_probe_fail(p, "connect timeout");
		break;
	case CHK_PH_TLS:
		chk_probe_fail(p, "TLS handshake timeout");
		break;
	default:
		chk_probe_fail(p, p->got_data ? "timeout reading response" :
						"timeout waiting for response");
		break;
	}
	chk_probe_finish(p, CHK_V_FAIL);
}

/* returns false when the probe has finished */
static bool stream_flush(struct chk_probe *p)
{
	while (p->out_off < p->out_len) {
		size_t n = p->out_len - p->out_off;
		ssize_t w;

		if (p->ssl) {
			OSSL(ERR_clear_error)();
			int r = OSSL(SSL_write)(p->ssl, p->out + p->out_off,
						(int)n);

			if (r <= 0) {
				int e = OSSL(SSL_get_error)(p->ssl, r);
				char buf[96];

				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ)
					return true;
				chk_probe_fail(p, "TLS write: %s",
					       chk_tls_error(p->ssl, r, buf,
							     sizeof(buf)));
				chk_probe_finish(p, CHK_V_FAIL);
				return false;
			}
			w = r;
		} else {
			w = send(p->fd, p->out + p->out_off, n, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return true;
				chk_probe_fail(p, "write: %s",
					       stream_errstr(errno));
				chk_probe_finish(p, CHK_V_FAIL);
				return false;
			}
		}
		p->out_off += (uint32_t)w;
	}
	/* sent: the request need not wait with the probe for the answer */
	free(p->out);
	p->out = NULL;
	p->out_len = p->out_off = 0;
	return true;
}

static void stream_read(struct chk_probe *p);

/* stream_begin - connected (and TLS done): hand over to the protocol.
 * @readable: the edge that got here also reported input (a banner sent
 *            at once): read it now, no other edge will come for it */
static void stream_begin(struct chk_probe *p, bool readable)
{
	enum chk_verdict v = p->proto->begin(p);

	if (v != CHK_V_MORE) {
		chk_probe_finish(p, v);
		return;
	}
	p->phase = CHK_PH_IO;
	/* a short write waits for the output edge; the answer for the
	 * input edge */
	if (stream_flush(p) && readable)
		stream_read(p);
}

static void stream_eof(struct chk_probe *p)
{
	if (p->proto->eof) {
		stream_end(p, p->proto->eof(p));
		return;
	}
	chk_probe_fail(p, p->got_data ? "connection closed mid-response" :
					"connection closed before response");
	chk_probe_finish(p, CHK_V_FAIL);
}

static void stream_read(struct chk_probe *p)
{
	uint8_t buf[STREAM_RBUF];
	int i;

	for (i = 0;; i++) {
		ssize_t n;

		/* plain sockets: let other probes run, re-arming reports the
		 * data still waiting as a new edge; OpenSSL may hold data the
		 * socket no longer shows, so TLS reads on until WANT_READ (the
		 * parser's cap ends a long answer) */
		if (i == STREAM_READS_PER_EVENT && !p->ssl) {
			if (ev_fd_mod(p->eng->loop, p->fd, STREAM_EVENTS) < 0) {
				chk_probe_fail(p, "epoll: %s", strerror(errno));
				chk_probe_finish(p, CHK_V_FAIL);
			}
			return;
		}

		if (p->ssl) {
			OSSL(ERR_clear_error)();
			int r = OSSL(SSL_read)(p->ssl, buf, sizeof(buf));

			if (r <= 0) {
				int e = OSSL(SSL_get_error)(p->ssl, r);
				char eb[96];

				if (e == SSL_ERROR_WANT_READ ||
				    e == SSL_ERROR_WANT_WRITE)
					return;
				if (e == SSL_ERROR_ZERO_RETURN ||
				    (e == SSL_ERROR_SYSCALL && errno == 0)) {
					stream_eof(p);
					return;
				}
				chk_probe_fail(p, "TLS read: %s",
					       chk_tls_error(p->ssl, r, eb,
							     sizeof(eb)));
				chk_probe_finish(p, CHK_V_FAIL);
				return;
			}
			n = r;
		} else {
			n = recv(p->fd, buf, sizeof(buf), 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return;
				chk_probe_fail(p, "%s%s", stream_errstr(errno),
					       p->got_data ? " mid-response" :
							     "");
				chk_probe_finish(p, CHK_V_FAIL);
				return;
			}
			if (n == 0) {
				stream_eof(p);
				return;
			}
		}
		p->got_data = true;
		enum chk_verdict v = p->proto->input(p, buf, (size_t)n);

		if (v != CHK_V_MORE) {
			chk_probe_finish(p, v);
			return;
		}
		/* the protocol may have queued an answer (SMTP) */
		if (p->out_off < p->out_len && !stream_flush(p))
			return;
	}
}

static void stream_tls(struct chk_probe *p)
{
	int r, e;
	char buf[96];

	OSSL(ERR_clear_error)();
	r = OSSL(SSL_do_handshake)(p->ssl);
	if (r == 1) {
		/* OpenSSL may hold records read with the handshake */
		stream_begin(p, true);
		return;
	}
	e = OSSL(SSL_get_error)(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return;
	chk_probe_fail(p, "TLS handshake error: %s",
		       chk_tls_error(p->ssl, r, buf, sizeof(buf)));
	chk_probe_finish(p, CHK_V_FAIL);
}

static const char *stream_sni(const struct chk_probe *p)
{
	const struct cfg_check *cc = p->cc;

	if (!cc->enable_sni)
		return NULL;
	if (cc->sni_name)
		return cc->sni_name;
	if (cc->n_urls && cc->urls[p->url_idx].virtualhost)
		return cc->urls[p->url_idx].virtualhost;
	return cc->virtualhost ? cc->virtualhost : p->vs->virtualhost;
}

static void stream_tls_start(struct chk_probe *p)
{
	const char *sni = stream_sni(p);

	if (!p->eng->tls) {
		chk_probe_fail(p, "TLS not available (global SSL block)");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->ssl = OSSL(SSL_new)(p->eng->tls);
	if (!p->ssl || OSSL(SSL_set_fd)(p->ssl, p->fd) != 1 ||
	    (sni &&
	     OSSL(SSL_ctrl)(p->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
			    TLSEXT_NAMETYPE_host_name, (void *)sni) != 1)) {
		OSSL(ERR_clear_error)();
		chk_probe_fail(p, "TLS setup failed");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	OSSL(SSL_set_connect_state)(p->ssl);
	p->phase = CHK_PH_TLS;
	stream_tls(p);
}

static void stream_connected(struct chk_probe *p, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	/* not writable and no error: not connected yet */
	if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		return;
	/* a failed connect always raises EPOLLERR: only then ask why */
	if ((events & (EPOLLERR | EPOLLHUP)) &&
	    getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		chk_probe_fail(p, "%s", stream_errstr(err));
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->connected = true;
	/* connected: the answer gets its own connect_timeout, as keepalived
	 * gives each step one (a slow connect on a busy server is not yet a
	 * slow answer); one window for the whole answer, not one per read,
	 * so a server that drips bytes still fails */
	if (p->proto != &chk_proto_tcp &&
	    chk_tmr_arm(&p->eng->tqs, &p->deadline, ev_loop_now(p->eng->loop),
			stream_tmo(p), true, stream_timeout) < 0) {
		chk_probe_fail(p, "out of memory");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	if (p->proto->tls)
		stream_tls_start(p);
	else
		stream_begin(p,
			     (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0);
}

static void stream_io(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct chk_probe *p = arg;

	(void)l;
	(void)fd;
	switch (p->phase) {
	case CHK_PH_CONNECT:
		stream_connected(p, events);
		return;
	case CHK_PH_TLS:
		stream_tls(p);
		return;
	case CHK_PH_IO:
		if ((events & EPOLLOUT) && p->out_off < p->out_len &&
		    !stream_flush(p))
			return;
		/* TLS may need the output edge to go on reading */
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR) ||
		    (p->ssl && (events & EPOLLOUT)))
			stream_read(p);
		return;
	case CHK_PH_DONE:
		return;
	}
}

/* stream_socket - p->fd: an idle one from the pool of @fam (0: none)
 * when @take, else a new one for @family that may join that pool. False
 * when it failed (probe finished). */
static bool stream_socket(struct chk_probe *p, int fam, int family, bool take)
{
	struct linger lg = { 1, 0 };
	char why[CHK_REASON_MAX];

	p->reused = false;
	p->pool_src = chk_sock_pool_any(family);
	if (fam && take) {
		p->fd = chk_sock_take(p->eng, fam, p->chk ? p->chk->src : 0,
				      &p->pool_src);
		p->reused = p->fd >= 0;
	}
	p->pool_family = (uint8_t)fam;
	if (p->reused)
		return true;
	p->fd = chk_sock_open(p->cc, family, SOCK_STREAM, 0, why);
	if (p->fd < 0) {
		chk_probe_fail(p, "%s", why);
		chk_probe_finish(p, CHK_V_FAIL);
		return false;
	}
	/* close with RST: no TIME_WAIT pile-up at thousands of checks a
	 * second */
	setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (fam)
		p->eng->pool_open++;
	return true;
}

/* stream_start - connect, from a pooled socket when @take */
static void stream_start(struct chk_probe *p, bool take)
{
	struct sockaddr_storage ss;
	socklen_t sl = chk_probe_target(p->cc, p->rs, &ss);
	uint64_t tmo = stream_tmo(p);
	int fam = chk_sock_poolable(p->cc, ss.ss_family) ? ss.ss_family : 0;

	p->phase = CHK_PH_CONNECT;
	if (!stream_socket(p, fam, ss.ss_family, take))
		return;
	/* delayed ACKs from the start (TCP_QUICKACK 0 also covers the
	 * handshake, tcp_disconnect resets it for a pooled socket): the
	 * handshake's last ACK rides on the request, and the answer's ACK,
	 * pending when the probe ends, is never sent; two packets fewer a
	 * run. Only an optimisation: a failure changes nothing else. */
	if (p->proto->client_first &&
	    setsockopt(p->fd, IPPROTO_TCP, TCP_QUICKACK, &(int){ 0 },
		       sizeof(int)) < 0) {
		char name[CHK_NAME_MAX];

		log_debug("%s: TCP_QUICKACK: %s",
			  chk_fmt_rs(p->vs, p->rs, name), strerror(errno));
	}
	if (connect(p->fd, (struct sockaddr *)&ss, sl) < 0 &&
	    errno != EINPROGRESS) {
		/* a pooled socket keeps its source port (sockpool.c),
		 * which another socket may already use towards this very
		 * server, and its source address, which may have gone
		 * (EINVAL) before the watch said so: drop it and connect
		 * from a new one */
		if (p->reused && (errno == EADDRNOTAVAIL || errno == EINVAL)) {
			ev_fd_close(p->eng->loop, p->fd);
			p->eng->pool_open--;
			p->fd = -1;
			stream_start(p, false);
			return;
		}
		chk_probe_fail(p, "%s", stream_errstr(errno));
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	chk_probe_watch(p, STREAM_EVENTS, stream_io, tmo, stream_timeout);
}

void chk_stream_start(struct chk_probe *p)
{
	stream_start(p, true);
}

static enum chk_verdict tcp_begin(struct chk_probe *p)
{
	(void)p;
	return CHK_V_OK;
}

const struct chk_proto chk_proto_tcp = {
	.begin = tcp_begin,
};
