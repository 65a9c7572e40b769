/*
 * proc.c - the checker process: one event loop running every probe, the
 * IPC link to core (reload, stop, health to resume after a restart).
 * Scripts are reaped by lib/script.c through their pidfds.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "cfg_snap.h"
#include "evloop.h"
#include "ipc.h"
#include "log.h"
#include "procsched.h"
#include "checker/checker.h"
#include "checker/misc.h"
#include "checker/priv.h"
#include "checker/probe.h"
#include "checker/proc.h"
#include "checker/status.h"

/* glibc's default, fixed */
#define CHK_MMAP_THRESHOLD (128 * 1024)

/* messages waiting for room in the socket to core */
struct proc_qmsg {
	struct proc_qmsg *next;
	uint16_t type;
	uint32_t len;
	uint8_t payload[];
};

static struct proc_qmsg *proc_q_head, **proc_q_tail = &proc_q_head;
static int proc_exit_code;

static void proc_flush(struct chk_engine *e)
{
	while (proc_q_head) {
		struct proc_qmsg *m = proc_q_head;

		if (ipc_send(e->ipc_fd, m->type, m->payload, m->len) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			log_err("checker: sending to core: %s",
				strerror(errno));
		}
		proc_q_head = m->next;
		free(m);
	}
	if (!proc_q_head)
		proc_q_tail = &proc_q_head;
	ev_fd_mod(e->loop, e->ipc_fd, EPOLLIN | (proc_q_head ? EPOLLOUT : 0));
}

void chk_proc_send(struct chk_engine *e, uint16_t type, const void *payload,
		   uint32_t len)
{
	struct proc_qmsg *m;

	if (e->ipc_fd < 0)
		return;
	if (!proc_q_head && ipc_send(e->ipc_fd, type, payload, len) == 0)
		return;
	if (!proc_q_head && errno != EAGAIN && errno != EWOULDBLOCK) {
		log_err("checker: sending to core: %s", strerror(errno));
		return;
	}
	m = malloc(sizeof(*m) + len);
	if (!m) {
		log_err("checker: out of memory queueing a message to core");
		return;
	}
	m->next = NULL;
	m->type = type;
	m->len = len;
	if (len)
		memcpy(m->payload, payload, len);
	*proc_q_tail = m;
	proc_q_tail = &m->next;
	ev_fd_mod(e->loop, e->ipc_fd, EPOLLIN | EPOLLOUT);
}

bool chk_proc_backlog(const struct chk_engine *e)
{
	(void)e;
	return proc_q_head != NULL;
}

static void proc_ready(struct chk_engine *e, uint32_t generation, int ok,
		       const char *error)
{
	struct ipc_ready r;

	memset(&r, 0, sizeof(r));
	r.generation = generation;
	r.ok = ok;
	snprintf(r.error, sizeof(r.error), "%s", error ? error : "");
	chk_proc_send(e, IPC_READY, &r, sizeof(r));
}

static void proc_reload(struct chk_engine *e, const struct ipc_reload *rl,
			int snapfd)
{
	struct cfg_diag diag = { 0 };
	char path[sizeof(rl->path) + 1], err[256] = "";
	struct chk_gen *g;
	struct cfg *c;
	size_t i;

	snprintf(path, sizeof(path), "%.*s", (int)sizeof(rl->path), rl->path);
	/* the snapshot core validated: this process may not be able to read
	 * the files (it runs unprivileged) */
	c = cfg_load_snapfd(path, rl->config_id[0] ? rl->config_id : NULL,
			    snapfd, &diag);
	if (!c) {
		for (i = 0; i < diag.n_msgs; i++) {
			if (diag.msgs[i].sev == CFG_ERR) {
				cfg_diag_fmt(&diag.msgs[i], err, sizeof(err));
				break;
			}
		}
		cfg_diag_free(&diag);
		log_err("checker: reload of generation %u refused: %s",
			rl->generation, err);
		proc_ready(e, rl->generation, 0, err);
		return;
	}
	cfg_diag_free(&diag);
	g = calloc(1, sizeof(*g));
	if (!g) {
		cfg_free(c);
		proc_ready(e, rl->generation, 0, "out of memory");
		return;
	}
	g->cfg = c;
	g->generation = rl->generation;
	if (chk_engine_apply(e, g, err, sizeof(err)) < 0) {
		chk_gen_put(g);
		proc_ready(e, rl->generation, 0, err);
		return;
	}
	log_info("checker: generation %u applied", rl->generation);
	chk_priv_check(e);
	proc_ready(e, rl->generation, 1, NULL);
}

static void proc_msg(struct chk_engine *e, const struct ipc_msg *m, int snapfd)
{
	switch (m->hdr.type) {
	case IPC_RELOAD:
		proc_reload(e, &m->u.reload, snapfd);
		break;
	case IPC_STOP:
		log_info("checker: stopping at core's request");
		proc_exit_code = 0;
		ev_stop(e->loop);
		break;
	case IPC_RS_HEALTH: {
		const struct ipc_rs_health *h = &m->u.rs_health;
		char why[sizeof(h->reason) + 1];

		snprintf(why, sizeof(why), "%.*s", (int)sizeof(h->reason),
			 h->reason);
		chk_rs_resume(e, h->generation, h->vs, h->rs, h->up, h->weight,
			      why);
		break;
	}
	default:
		log_warn("checker: unexpected message type %u from core",
			 m->hdr.type);
		break;
	}
}

static void proc_ipc(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct chk_engine *e = arg;
	static struct ipc_msg m;
	int i, r, snapfd;

	if (events & EPOLLOUT)
		proc_flush(e);
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (i = 0; i < 64; i++) {
		r = ipc_recv_fd(fd, &m, &snapfd);
		if (r == 0)
			return;
		if (r == -2)
			continue;
		if (r < 0) {
			log_err("checker: link to core lost (%s); exiting",
				strerror(errno));
			proc_exit_code = 1;
			ev_stop(l);
			return;
		}
		proc_msg(e, &m, snapfd);
		if (snapfd >= 0)
			close(snapfd);
	}
}

static void proc_signal(struct ev_loop *l, int signo, void *arg)
{
	(void)arg;
	log_info("checker: signal %d, stopping", signo);
	proc_exit_code = 0;
	ev_stop(l);
}

int chk_proc_run(struct cfg *c, uint32_t generation, int ipc_fd)
{
	struct chk_engine e;
	struct chk_gen *g;
	char err[256] = "";
	int fl;

	memset(&e, 0, sizeof(e));
	e.ipc_fd = ipc_fd;
	e.fifo_fd[0] = e.fifo_fd[1] = -1;
	e.srcwatch_fd = -1;
	srandom((unsigned)(getpid() ^ time(NULL)));
	signal(SIGPIPE, SIG_IGN);
	e.loop = ev_loop_new();
	e.tqs.loop = e.loop;
	g = calloc(1, sizeof(*g));
	if (!e.loop || !g) {
		log_err("checker: cannot start: %s", strerror(errno));
		return 1;
	}
	/* thousands of probes in flight each wake the loop two or three
	 * times a check; gathered per millisecond, one wake-up serves many */
	ev_set_coalesce(e.loop, CHK_COALESCE_US);
	fl = fcntl(ipc_fd, F_GETFL);
	if (fl < 0 || fcntl(ipc_fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    ev_fd_add(e.loop, ipc_fd, EPOLLIN, proc_ipc, &e) < 0 ||
	    ev_signal_add(e.loop, SIGTERM, proc_signal, &e) < 0 ||
	    ev_signal_add(e.loop, SIGINT, proc_signal, &e) < 0) {
		log_err("checker: cannot start: %s", strerror(errno));
		return 1;
	}
	chk_srcwatch_start(&e);
	g->cfg = c;
	g->generation = generation;
	if (chk_engine_apply(&e, g, err, sizeof(err)) < 0) {
		log_err("checker: cannot apply generation %u: %s", generation,
			err);
		return 1;
	}
	/* before the privileges go (real-time, negative nice and locked
	 * memory need them); at start only, as keepalived */
	procsched_apply(&c->global.checker_sched, "checker");
	chk_priv_drop(&e);
	log_info("checker: running generation %u", generation);
	proc_ready(&e, generation, 1, NULL);
	ev_run(e.loop);
	if (!proc_exit_code)
		chk_omega(&e);
	chk_engine_clear(&e);
	chk_srcwatch_stop(&e);
	chk_sock_pool_free(&e);
	chk_slots_free(&e);
	chk_misc_kill_all(&e);
	chk_status_stop(&e);
	chk_tqs_free(&e.tqs);
	ev_loop_free(e.loop);
	return proc_exit_code;
}

/* exec_num - a decimal argument of chk_exec_main in [0, max]; -1 if not. */
static long long exec_num(const char *s, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	return v;
}

/* exec_arg - the value of "@key=value" in @arg, or NULL */
static const char *exec_arg(const char *arg, const char *key)
{
	size_t n = strlen(key);

	return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

void chk_exec_main(int argc, char **argv)
{
	struct cfg_diag diag = { 0 };
	long long gen = -1, console = 0, facility = LOG_DAEMON, detail = 0;
	const char *path = NULL, *id = NULL, *cred = NULL, *v;
	bool bad = false;
	char buf[1024];
	struct stat st;
	struct cfg *c;
	size_t i;
	int a, rc;

	/* execve of /proc/self/exe named the process "exe"; keep the name
	 * the forked children have (pgrep, top) */
	prctl(PR_SET_NAME, "directord", 0, 0, 0);
	/* big buffers (a configuration snapshot: 1.4 MB for 10,000 real
	 * servers) always in mappings of their own, returned when freed.
	 * Left dynamic, glibc raises the threshold to the size of the first
	 * one freed, and the next ones (a reload's snapshot) land in the heap
	 * and leave holes under what was allocated after them. */
	mallopt(M_MMAP_THRESHOLD, CHK_MMAP_THRESHOLD);
	for (a = 2; a < argc; a++) {
		if ((v = exec_arg(argv[a], "gen")))
			bad |= (gen = exec_num(v, UINT32_MAX)) < 0;
		else if ((v = exec_arg(argv[a], "console")))
			bad |= (console = exec_num(v, 1)) < 0;
		else if ((v = exec_arg(argv[a], "facility")))
			bad |= (facility = exec_num(v, INT32_MAX)) < 0;
		else if ((v = exec_arg(argv[a], "detail")))
			bad |= (detail = exec_num(v, 1)) < 0;
		else if ((v = exec_arg(argv[a], "config")))
			path = v;
		else if ((v = exec_arg(argv[a], "id")))
			id = v;
		else if ((v = exec_arg(argv[a], "cred")))
			cred = v;
		else
			bad = true;
	}
	if (bad || gen < 0 || !path) {
		fprintf(stderr, "directord: %s is for core's own use\n",
			CHK_EXEC_ROLE);
		_exit(2);
	}
	log_init("directord-checker", console, (int)facility, detail);
	/* both descriptors must come from core: a socket and a memory file */
	if (fstat(CHK_EXEC_IPC_FD, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    fstat(CHK_EXEC_SNAP_FD, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_err("checker: started without core's channel and "
			"configuration snapshot on descriptors %d and %d",
			CHK_EXEC_IPC_FD, CHK_EXEC_SNAP_FD);
		_exit(1);
	}
	/* scripts started later inherit neither */
	if (fcntl(CHK_EXEC_IPC_FD, F_SETFD, FD_CLOEXEC) < 0) {
		log_err("checker: IPC descriptor: %s", strerror(errno));
		_exit(1);
	}
	if (cred && chk_priv_preset(cred) < 0)
		log_warn("checker: malformed credentials from core; looking "
			 "the user up");
	c = cfg_load_snapfd(path, id, CHK_EXEC_SNAP_FD, &diag);
	close(CHK_EXEC_SNAP_FD);
	if (!c) {
		/* core validated these very bytes: only a lack of memory or a
		 * broken snapshot gets here; core restarts the process */
		for (i = 0; i < diag.n_msgs; i++)
			if (diag.msgs[i].sev == CFG_ERR)
				log_err("checker: generation %lld: %s", gen,
					cfg_diag_fmt(&diag.msgs[i], buf,
						     sizeof(buf)));
		cfg_diag_free(&diag);
		_exit(1);
	}
	/* warnings were core's to log, once */
	cfg_diag_free(&diag);
	rc = chk_proc_run(c, (uint32_t)gen, CHK_EXEC_IPC_FD);
	/* ends as the forked process does: no atexit handlers */
	fflush(NULL);
	_exit(rc);
}
