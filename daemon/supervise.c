/*
 * supervise.c - start the vrrp and checker processes, talk to them over
 * SOCK_SEQPACKET pairs, and restart a child that dies with back-off
 * (backoff.c). vrrp is forked without exec, as keepalived does; the
 * checker execs a fresh image of the binary and parses the sealed snapshot
 * of the running configuration, so it does not carry core's heap (the
 * parsed configuration, the IPVS model, health) in its memory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cfg_snap.h"
#include "checker/checker.h"
#include "core.h"
#include "log.h"
#include "vrrp/vrrp.h"

#define SUP_MAX_BATCH 64 /* messages read per wake-up */
#define SUP_MAX_QUEUE 262144 /* messages waiting for a slow child */
#define SUP_CHILD_FD CHK_EXEC_IPC_FD /* where the child finds its IPC end */
#define SUP_SNAP_FD CHK_EXEC_SNAP_FD /* the exec'd checker's snapshot */

void sup_init(struct core *c)
{
	static const struct {
		const char *name, *ident;
		int (*run)(struct cfg *, uint32_t, int);
	} tab[CORE_N_CHILDREN] = {
		[CORE_VRRP] = { "vrrp", "directord-vrrp", vrrp_proc_run },
		[CORE_CHECKER] = { "checker", "directord-checker",
				   chk_proc_run },
	};
	int i;

	for (i = 0; i < CORE_N_CHILDREN; i++) {
		struct core_child *ch = &c->child[i];

		memset(ch, 0, sizeof(*ch));
		ch->core = c;
		ch->name = tab[i].name;
		ch->ident = tab[i].ident;
		ch->run = tab[i].run;
		ch->fd = -1;
		ch->outq_tail = &ch->outq;
	}
	c->snapfd = -1;
}

int sup_seal_snapshot(struct core *c, struct cfg_snap *snap)
{
	int snapfd = cfg_snap_memfd(snap), err = errno, fd = -1;

	if (snapfd >= 0) {
		fd = fcntl(snapfd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			log_warn("configuration snapshot: dup: %s; a checker "
				 "process started now is forked with core's "
				 "memory",
				 strerror(errno));
	}
	if (c->snapfd >= 0)
		close(c->snapfd);
	c->snapfd = fd;
	cfg_snap_free(snap);
	errno = err;
	return snapfd;
}

bool sup_wanted(const struct core *c, const struct cfg *cfg,
		enum core_child_id id)
{
	if (id == CORE_VRRP)
		return c->opts.mode != CORE_MODE_CHECK && cfg->n_vrrps > 0;
	return c->opts.mode != CORE_MODE_VRRP && cfg->n_vss > 0;
}

bool sup_any_running(const struct core *c)
{
	int i;

	for (i = 0; i < CORE_N_CHILDREN; i++)
		if (c->child[i].pid > 0)
			return true;
	return false;
}

/* ---- the child side of fork() --------------------------------------- */

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	for (fd = lowfd; fd < (max > 0 ? max : 1024); fd++)
		close(fd);
}

/*
 * exec_checker - replace the forked copy of core with a fresh image of the
 * binary running chk_exec_main, on SUP_CHILD_FD and SUP_SNAP_FD.
 * Returns only when execve failed (errno set).
 */
static void exec_checker(const struct core *c)
{
	char gen[32], con[16], fac[32], det[16], cred[1024];
	char *cfg = NULL, *id = NULL, *argv[10];
	extern char **environ;
	int n = 0;

	if (asprintf(&cfg, "config=%s", c->opts.config) < 0 ||
	    (c->opts.config_id &&
	     asprintf(&id, "id=%s", c->opts.config_id) < 0))
		return;
	snprintf(gen, sizeof(gen), "gen=%u", c->generation);
	snprintf(con, sizeof(con), "console=%d", c->opts.console ? 1 : 0);
	snprintf(fac, sizeof(fac), "facility=%d", c->opts.facility);
	snprintf(det, sizeof(det), "detail=%d", c->opts.detail ? 1 : 0);
	argv[n++] = "directord";
	argv[n++] = CHK_EXEC_ROLE;
	argv[n++] = gen;
	argv[n++] = cfg;
	argv[n++] = con;
	argv[n++] = fac;
	argv[n++] = det;
	if (id)
		argv[n++] = id;
	/* the user database is read here, in the copy of core about to be
	 * replaced, so the checker does not load NSS modules for it */
	memcpy(cred, "cred=", 5);
	if (chk_priv_resolve(c->cfg, cred + 5, sizeof(cred) - 5) == 0)
		argv[n++] = cred;
	argv[n] = NULL;
	/* the running binary even if the file was replaced since: its IPC
	 * matches core's */
	execve("/proc/self/exe", argv, environ);
}

/* child_main - never returns: become the child process and run it. */
static void child_main(struct core *c, struct core_child *ch, int fd)
{
	bool exec_it = ch == &c->child[CORE_CHECKER] && c->snapfd >= 0;
	int snap = -1;
	sigset_t none;
	int sig, rc;

	/* die with core; core may already be gone before prctl took effect
	 * (the setting survives execve) */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != c->pid)
		_exit(1);
	/* The checker's heap is a few hundred bytes per real server, touched
	 * a little at a time. With transparent huge pages "always" (Debian's
	 * kernels) a fault past a 2 MB boundary zero-fills a whole huge page
	 * it never uses. Set here, before it loads its configuration, for both
	 * ways it starts (this also survives execve); scripts get the setting
	 * back (lib/script.c). */
	if (ch == &c->child[CORE_CHECKER] &&
	    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
		log_warn("checker: cannot turn transparent huge pages off: %s",
			 strerror(errno));
	/* above both fixed slots, so the dup2s below cannot overwrite it */
	if (exec_it) {
		snap = fcntl(c->snapfd, F_DUPFD, SUP_SNAP_FD + 1);
		exec_it = snap >= 0;
	}
	/* only stdio and the IPC end (and the snapshot) survive: core's
	 * epoll, signalfd, control socket and clients, netlink sockets are
	 * not the child's business */
	if (fd != SUP_CHILD_FD && dup2(fd, SUP_CHILD_FD) < 0)
		_exit(1);
	if (exec_it && dup2(snap, SUP_SNAP_FD) < 0)
		_exit(1);
	fcntl(SUP_CHILD_FD, F_SETFD, exec_it ? 0 : FD_CLOEXEC);
	close_from(exec_it ? SUP_SNAP_FD + 1 : SUP_CHILD_FD + 1);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	log_init(ch->ident, c->opts.console, c->opts.facility, c->opts.detail);
	log_info("%s process started (generation %u)", ch->name, c->generation);
	if (exec_it) {
		exec_checker(c);
		log_warn("%s process: exec /proc/self/exe: %s; running as a "
			 "copy of core",
			 ch->name, strerror(errno));
		close(SUP_SNAP_FD);
		fcntl(SUP_CHILD_FD, F_SETFD, FD_CLOEXEC);
	}
	rc = ch->run(c->cfg, c->generation, SUP_CHILD_FD);
	fflush(NULL);
	_exit(rc);
}

/* ---- messages ------------------------------------------------------- */

static void outq_free(struct core_child *ch)
{
	while (ch->outq) {
		struct core_outmsg *m = ch->outq;

		ch->outq = m->next;
		if (m->passfd >= 0)
			close(m->passfd);
		free(m);
	}
	ch->outq_tail = &ch->outq;
	ch->outq_len = 0;
}

static void outq_flush(struct core_child *ch)
{
	struct core *c = ch->core;

	while (ch->outq) {
		struct core_outmsg *m = ch->outq;

		if (ipc_send_fd(ch->fd, m->type, m->payload, m->len,
				m->passfd) < 0) {
			if (errno == EAGAIN)
				return;
			log_err("%s process: send %s: %s", ch->name,
				ipc_type_name(m->type), strerror(errno));
		}
		ch->outq = m->next;
		if (!ch->outq)
			ch->outq_tail = &ch->outq;
		ch->outq_len--;
		if (m->passfd >= 0)
			close(m->passfd);
		free(m);
	}
	if (ev_fd_mod(c->loop, ch->fd, EPOLLIN) < 0)
		log_err("%s process: epoll: %s", ch->name, strerror(errno));
}

int sup_send(struct core *c, enum core_child_id id, uint16_t type,
	     const void *payload, uint32_t len)
{
	return sup_send_fd(c, id, type, payload, len, -1);
}

int sup_send_fd(struct core *c, enum core_child_id id, uint16_t type,
		const void *payload, uint32_t len, int passfd)
{
	struct core_child *ch = &c->child[id];
	struct core_outmsg *m;

	if (ch->fd < 0) {
		errno = ENOTCONN;
		return -1;
	}
	if (!ch->outq) {
		if (ipc_send_fd(ch->fd, type, payload, len, passfd) == 0)
			return 0;
		if (errno != EAGAIN) {
			log_err("%s process: send %s: %s", ch->name,
				ipc_type_name(type), strerror(errno));
			return -1;
		}
	}
	if (ch->outq_len >= SUP_MAX_QUEUE) {
		log_err("%s process: not reading; %s dropped", ch->name,
			ipc_type_name(type));
		errno = ENOBUFS;
		return -1;
	}
	m = malloc(sizeof(*m) + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->passfd = -1;
	if (passfd >= 0) {
		m->passfd = fcntl(passfd, F_DUPFD_CLOEXEC, 0);
		if (m->passfd < 0) {
			log_err("%s process: dup for %s: %s", ch->name,
				ipc_type_name(type), strerror(errno));
			free(m);
			return -1;
		}
	}
	m->type = type;
	m->len = len;
	if (len)
		memcpy(m->payload, payload, len);
	*ch->outq_tail = m;
	ch->outq_tail = &m->next;
	if (ch->outq_len++ == 0 &&
	    ev_fd_mod(c->loop, ch->fd, EPOLLIN | EPOLLOUT) < 0)
		log_err("%s process: epoll: %s", ch->name, strerror(errno));
	return 0;
}

/* read_msgs - handle up to a batch of messages; -1 when the peer closed. */
static int read_msgs(struct core_child *ch)
{
	static struct ipc_msg m;
	int i;

	for (i = 0; i < SUP_MAX_BATCH; i++) {
		int r = ipc_recv(ch->fd, &m);

		if (r == 0)
			return 0;
		if (r == -2)
			continue; /* logged by ipc_recv */
		if (r < 0)
			return -1;
		core_ipc_handle(ch->core,
				(enum core_child_id)(ch - ch->core->child), &m);
		if (ch->fd < 0)
			return -1;
	}
	return 0;
}

void sup_close_channel(struct core *c, enum core_child_id id)
{
	struct core_child *ch = &c->child[id];

	if (ch->fd < 0)
		return;
	read_msgs(ch); /* its last words, e.g. a final status */
	if (ch->fd < 0)
		return;
	ev_fd_del(c->loop, ch->fd);
	close(ch->fd);
	ch->fd = -1;
	outq_free(ch);
}

static void on_child_fd(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct core_child *ch = arg;

	if (events & EPOLLOUT)
		outq_flush(ch);
	if (ch->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
	    read_msgs(ch) < 0 && ch->fd >= 0) {
		/* the process is ending; SIGCHLD does the rest */
		log_debug("%s process closed its channel", ch->name);
		ev_fd_del(l, ch->fd);
		close(ch->fd);
		ch->fd = -1;
		outq_free(ch);
	}
}

/* ---- start, stop, reap ---------------------------------------------- */

static void restart_due(struct ev_loop *l, void *arg)
{
	struct core_child *ch = arg;
	struct core *c = ch->core;

	ch->restart_timer = NULL;
	if (c->stopping || !ch->wanted || ch->pid > 0)
		return;
	ch->restarts++;
	sup_start(c, (enum core_child_id)(ch - c->child));
}

static void schedule_restart(struct core_child *ch, unsigned delay_s)
{
	struct core *c = ch->core;

	ch->restart_at_us = ev_now_us() + (uint64_t)delay_s * 1000000u;
	ch->restart_timer =
		ev_timer_add(c->loop, ch->restart_at_us, restart_due, ch);
	if (!ch->restart_timer)
		log_err("%s process: cannot schedule its restart: out of "
			"memory",
			ch->name);
}

int sup_start(struct core *c, enum core_child_id id)
{
	struct core_child *ch = &c->child[id];
	int sv[2];
	pid_t pid;

	ch->wanted = true;
	ch->respawn = false;
	if (ipc_pair(sv) < 0) {
		log_err("%s process: socketpair: %s", ch->name,
			strerror(errno));
		schedule_restart(ch, sup_restart_delay_s(0, &ch->quick_deaths));
		return -1;
	}
	fflush(NULL); /* no buffered output duplicated into the child */
	pid = fork();
	if (pid < 0) {
		log_err("%s process: fork: %s", ch->name, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		schedule_restart(ch, sup_restart_delay_s(0, &ch->quick_deaths));
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(c, ch, sv[1]);
	}
	close(sv[1]);
	ch->pid = pid;
	ch->fd = sv[0];
	ch->started_us = ev_now_us();
	ch->ready_generation = 0;
	ch->ready_ok = false;
	ch->ready_error[0] = '\0';
	if (ev_fd_add(c->loop, ch->fd, EPOLLIN, on_child_fd, ch) < 0) {
		log_err("%s process: epoll: %s; killing it", ch->name,
			strerror(errno));
		close(ch->fd);
		ch->fd = -1;
		kill(pid, SIGKILL); /* reaped and restarted by sup_reap */
		return -1;
	}
	log_info("started %s process, pid %d", ch->name, (int)pid);
	core_ipc_child_started(c, id);
	return 0;
}

static void kill_due(struct ev_loop *l, void *arg)
{
	struct core_child *ch = arg;

	ch->kill_timer = NULL;
	if (ch->pid <= 0)
		return;
	log_warn("%s process (pid %d) did not stop within %llu s; killing it",
		 ch->name, (int)ch->pid,
		 (unsigned long long)(CORE_STOP_WAIT_US / 1000000u));
	kill(ch->pid, SIGKILL);
}

void sup_stop_child(struct core *c, enum core_child_id id)
{
	struct core_child *ch = &c->child[id];

	ch->wanted = false;
	ev_timer_cancel(c->loop, ch->restart_timer);
	ch->restart_timer = NULL;
	if (ch->pid <= 0)
		return;
	if (c->stopping)
		ch->respawn = false;
	if (ch->fd >= 0)
		sup_send(c, id, IPC_STOP, NULL, 0);
	if (kill(ch->pid, SIGTERM) < 0)
		log_err("%s process (pid %d): kill: %s", ch->name, (int)ch->pid,
			strerror(errno));
	if (!ch->kill_timer)
		ch->kill_timer = ev_timer_add(
			c->loop, ev_now_us() + CORE_STOP_WAIT_US, kill_due, ch);
}

void sup_respawn(struct core *c, enum core_child_id id)
{
	struct core_child *ch = &c->child[id];

	if (ch->pid <= 0 || ch->respawn)
		return;
	ch->respawn = true;
	sup_stop_child(c, id);
	ch->wanted = true;
}

static void describe_exit(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)%s", WTERMSIG(st),
			 strsignal(WTERMSIG(st)),
			 WCOREDUMP(st) ? ", core dumped" : "");
	else
		snprintf(buf, len, "status 0x%x", (unsigned)st);
}

static void child_ended(struct core *c, struct core_child *ch, int st)
{
	enum core_child_id id = (enum core_child_id)(ch - c->child);
	uint64_t lived = ev_now_us() - ch->started_us;
	pid_t pid = ch->pid;
	unsigned delay;

	describe_exit(st, ch->last_exit, sizeof(ch->last_exit));
	sup_close_channel(c, id);
	ch->pid = 0;
	ev_timer_cancel(c->loop, ch->kill_timer);
	ch->kill_timer = NULL;
	free(ch->status);
	ch->status = NULL;
	if (c->stopping || !ch->wanted) {
		log_info("%s process (pid %d) stopped: %s", ch->name, (int)pid,
			 ch->last_exit);
		return;
	}
	if (ch->respawn) {
		ch->respawn = false;
		log_info("%s process (pid %d) stopped: %s; starting a new one",
			 ch->name, (int)pid, ch->last_exit);
		sup_start(c, id);
		return;
	}
	delay = sup_restart_delay_s(lived, &ch->quick_deaths);
	log_err("%s process (pid %d) ended after %llu s: %s; restarting it "
		"in %u s",
		ch->name, (int)pid, (unsigned long long)(lived / 1000000u),
		ch->last_exit, delay);
	schedule_restart(ch, delay);
}

void sup_reap(struct core *c)
{
	int st, i;

	/* only our children by pid: helper processes (notify_fifo_script)
	 * are reaped by their own pidfd watchers */
	for (i = 0; i < CORE_N_CHILDREN; i++)
		if (c->child[i].pid > 0 &&
		    waitpid(c->child[i].pid, &st, WNOHANG) == c->child[i].pid)
			child_ended(c, &c->child[i], st);
	if (c->stopping && !sup_any_running(c))
		core_finish_stop(c);
}
