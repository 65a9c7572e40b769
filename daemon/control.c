/*
 * control.c - the control socket: a unix stream socket (mode 0600), one JSON
 * request per line, one JSON reply per line. Only root (or the daemon's own
 * user) may talk to it, checked with SO_PEERCRED. Everything is
 * non-blocking and bounded: clients, request size, pending output, idle
 * time. A bad request gets an error reply; the daemon keeps serving.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "core.h"
#include "log.h"

#define CTL_MAX_CLIENTS 16
#define CTL_MAX_REQUEST (64 * 1024)
#define CTL_IDLE_US (30 * 1000000ull)
#define CTL_MAX_DRAIN (1024 * 1024) /* discarded after an oversize request */
#define CTL_TRIM_BYTES (1024 * 1024) /* see flush */

struct ctl_client {
	struct core_control *ctl;
	int fd;
	char in[CTL_MAX_REQUEST + 1];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	bool eof; /* the peer sent everything it will send */
	bool closing; /* close once the output is flushed */
	bool draining; /* replied and shut down; discarding input until EOF */
	size_t drained;
	struct ev_timer *idle;
};

struct core_control {
	struct core *c;
	int fd;
	char *path;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
};

/* ---- clients -------------------------------------------------------- */

static void client_close(struct ctl_client *cl)
{
	struct core_control *ctl = cl->ctl;
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i] == cl)
			ctl->clients[i] = NULL;
	ev_timer_cancel(ctl->c->loop, cl->idle);
	ev_fd_del(ctl->c->loop, cl->fd);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

static void client_idle(struct ev_loop *l, void *arg)
{
	struct ctl_client *cl = arg;

	cl->idle = NULL;
	log_debug("control: closing an idle client");
	client_close(cl);
}

static void client_touch(struct ctl_client *cl)
{
	struct ev_loop *l = cl->ctl->c->loop;

	ev_timer_cancel(l, cl->idle);
	cl->idle = ev_timer_add(l, ev_now_us() + CTL_IDLE_US, client_idle, cl);
}

/* queue_reply - append the reply @s of @n bytes (NUL-terminated, freed
 * here) and its newline; false when @s is NULL or memory ran out. */
static bool queue_reply(struct ctl_client *cl, char *s, size_t n)
{
	char *p;

	if (!s)
		return false;
	if (cl->out_off == cl->out_len) {
		/* nothing pending: the reply becomes the buffer (a status of
		 * megabytes is not copied), its NUL the newline */
		free(cl->out);
		s[n] = '\n';
		cl->out = s;
		cl->out_off = 0;
		cl->out_len = n + 1;
		return true;
	}
	p = realloc(cl->out, cl->out_len + n + 1);
	if (!p) {
		free(s);
		return false;
	}
	memcpy(p + cl->out_len, s, n);
	p[cl->out_len + n] = '\n';
	cl->out = p;
	cl->out_len += n + 1;
	free(s);
	return true;
}

/* queue_error - queue an error reply (see control_error). */
static bool queue_error(struct ctl_client *cl, const char *why)
{
	size_t n = 0;
	char *s = control_reply_text(control_error("%s", why), &n);

	return queue_reply(cl, s, n);
}

/* flush - write what is pending; -1 when the client is gone. */
static int flush(struct ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off,
				 cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		cl->out_off += (size_t)n;
	}
	/* a reply this big (the status of thousands of real servers) leaves
	 * tens of megabytes of freed json-c objects in the heap, which
	 * glibc keeps: hand them back once it is out */
	if (cl->out_len >= CTL_TRIM_BYTES) {
		free(cl->out);
		cl->out = NULL;
		cl->out_off = cl->out_len = 0;
		malloc_trim(0);
	}
	return 0;
}

/* handle_line - answer one request of @len bytes at @s (NUL written). */
static void handle_line(struct ctl_client *cl, char *s, size_t len)
{
	bool ok;

	s[len] = '\0';
	if (len && s[len - 1] == '\r')
		s[--len] = '\0';
	if (memchr(s, '\0', len)) {
		ok = queue_error(cl, "malformed request: NUL byte");
	} else if (len == 0) {
		return;
	} else {
		size_t n = 0;
		char *r = control_handle_request(cl->ctl->c, s, &n);

		ok = queue_reply(cl, r, n);
	}
	if (!ok)
		cl->closing = true;
}

/*
 * pump - answer complete lines while no output is pending (a client that
 * does not read its replies stops being read), then choose what to wait
 * for. Returns -1 when the client was closed.
 */
static int pump(struct ctl_client *cl)
{
	struct ev_loop *l = cl->ctl->c->loop;
	char *nl;

	for (;;) {
		if (flush(cl) < 0) {
			client_close(cl);
			return -1;
		}
		if (cl->out_off < cl->out_len || cl->closing)
			break;
		nl = memchr(cl->in, '\n', cl->in_len);
		if (nl) {
			size_t len = (size_t)(nl - cl->in);

			handle_line(cl, cl->in, len);
			memmove(cl->in, nl + 1, cl->in_len - len - 1);
			cl->in_len -= len + 1;
			continue;
		}
		if (cl->in_len >= CTL_MAX_REQUEST) {
			char why[64];

			snprintf(why, sizeof(why),
				 "request larger than %d bytes",
				 CTL_MAX_REQUEST);
			queue_error(cl, why);
			/* closing with unread input would reset the connection
			 * and lose the reply: discard the rest until EOF */
			cl->closing = cl->draining = true;
			cl->in_len = 0;
			continue;
		}
		if (cl->eof) {
			/* a last request without its newline */
			if (cl->in_len)
				handle_line(cl, cl->in, cl->in_len);
			cl->in_len = 0;
			cl->closing = true;
			continue;
		}
		break;
	}
	if (cl->closing && cl->out_off == cl->out_len) {
		if (!cl->draining || cl->eof) {
			client_close(cl);
			return -1;
		}
		shutdown(cl->fd, SHUT_WR);
	}
	if (ev_fd_mod(l, cl->fd,
		      cl->out_off < cl->out_len ? EPOLLOUT : EPOLLIN) < 0) {
		client_close(cl);
		return -1;
	}
	return 0;
}

static void on_client(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct ctl_client *cl = arg;

	client_touch(cl);
	if ((events & EPOLLIN) && cl->draining) {
		char junk[4096];
		ssize_t n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);

		if (n > 0)
			cl->drained += (size_t)n;
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
		    cl->drained > CTL_MAX_DRAIN) {
			client_close(cl);
			return;
		}
	} else if ((events & EPOLLIN) && !cl->eof && !cl->closing) {
		ssize_t n = recv(fd, cl->in + cl->in_len,
				 CTL_MAX_REQUEST - cl->in_len, MSG_DONTWAIT);

		if (n == 0)
			cl->eof = true;
		else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			client_close(cl);
			return;
		} else if (n > 0)
			cl->in_len += (size_t)n;
	} else if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLOUT)) {
		client_close(cl);
		return;
	}
	pump(cl);
}

/* peer_allowed - root, or the user the daemon runs as. */
static bool peer_allowed(int fd, char *why, size_t len)
{
	struct ucred cr;
	socklen_t sl = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &sl) < 0) {
		snprintf(why, len, "cannot check the peer: %s",
			 strerror(errno));
		return false;
	}
	if (cr.uid == 0 || cr.uid == geteuid())
		return true;
	snprintf(why, len, "permission denied: uid %u is not root",
		 (unsigned)cr.uid);
	return false;
}

static void on_accept(struct ev_loop *l, int lfd, uint32_t events, void *arg)
{
	struct core_control *ctl = arg;
	char why[128];
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
	       0) {
		struct ctl_client *cl = NULL;
		int slot = -1;

		for (i = 0; i < CTL_MAX_CLIENTS && slot < 0; i++)
			if (!ctl->clients[i])
				slot = i;
		if (slot < 0) {
			static const char busy[] = "{\"ok\":false,\"error\":"
						   "\"too many clients\"}\n";

			/* best effort: the reply fits any socket buffer */
			if (send(fd, busy, sizeof(busy) - 1,
				 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_debug("control: busy reply: %s",
					  strerror(errno));
			close(fd);
			log_warn("control: %d clients connected; refused one",
				 CTL_MAX_CLIENTS);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (!cl) {
			close(fd);
			continue;
		}
		cl->ctl = ctl;
		cl->fd = fd;
		if (ev_fd_add(l, fd, EPOLLIN, on_client, cl) < 0) {
			close(fd);
			free(cl);
			continue;
		}
		ctl->clients[slot] = cl;
		client_touch(cl);
		if (!peer_allowed(fd, why, sizeof(why))) {
			log_warn("control: %s", why);
			queue_error(cl, why);
			cl->closing = cl->draining = true;
			pump(cl);
		}
	}
	if (errno != EAGAIN && errno != EINTR)
		log_err("control: accept: %s", strerror(errno));
}

/* ---- the listening socket ------------------------------------------- */

/* mkdir_parents - create the directories leading to @path (mode 0755). */
static int mkdir_parents(const char *path)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* in_use - whether a live server answers at @sa (another directord). */
static bool in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

struct core_control *control_open(struct core *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct core_control *ctl;
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("control socket %s: path too long", path);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (mkdir_parents(path) < 0) {
		log_err("control socket %s: creating its directory: %s", path,
			strerror(errno));
		return NULL;
	}
	if (in_use(&sa)) {
		log_err("control socket %s: another directord serves it (use "
			"--control for another instance)",
			path);
		return NULL;
	}
	unlink(path); /* stale, from a directord that did not stop cleanly */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("control socket: %s", strerror(errno));
		return NULL;
	}
	old = umask(0177); /* born 0600: no window with a wider mode */
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		log_err("control socket %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl || !(ctl->path = strdup(path)) ||
	    ev_fd_add(c->loop, fd, EPOLLIN, on_accept, ctl) < 0) {
		log_err("control socket: %s", strerror(errno ? errno : ENOMEM));
		if (ctl)
			free(ctl->path);
		free(ctl);
		close(fd);
		unlink(path);
		return NULL;
	}
	ctl->c = c;
	ctl->fd = fd;
	return ctl;
}

void control_close(struct core_control *ctl)
{
	int i;

	if (!ctl)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i])
			client_close(ctl->clients[i]);
	ev_fd_del(ctl->c->loop, ctl->fd);
	close(ctl->fd);
	if (unlink(ctl->path) < 0)
		log_warn("control socket %s: %s", ctl->path, strerror(errno));
	free(ctl->path);
	free(ctl);
}
