/*
 * notify.c - notify scripts (asynchronous, killed after
 * VRRP_NOTIFY_TIMEOUT_US so a hung one cannot pile up) and FIFO lines
 * (ordered: one writer, one line per write(), each shorter than PIPE_BUF so
 * it is atomic). A FIFO is opened read-write and non-blocking, so a missing
 * reader never blocks the VRRP process; a full FIFO loses the line (logged).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "proc.h"
#include "script.h"

struct fifo {
	char *path;
	int fd;
	struct script_child *reader; /* its *_fifo_script */
};

struct vrrp_notify {
	struct vrrp_proc *p;
	struct fifo f[2]; /* notify_fifo, vrrp_notify_fifo */
};

int vrrp_notify_line(char *buf, size_t len, const char *kind, const char *name,
		     const char *state, unsigned prio)
{
	int n = snprintf(buf, len, "%s \"%s\" %s %u\n", kind, name, state,
			 prio);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

static void fifo_open(struct vrrp_notify *n, struct fifo *f, const char *path,
		      const struct cfg_cmd *script, bool run_script)
{
	struct script_cred cred;
	struct stat st;

	f->fd = -1;
	if (!path)
		return;
	f->path = strdup(path);
	if (stat(path, &st) < 0 && mkfifo(path, 0600) < 0) {
		log_err("notify FIFO %s: %s", path, strerror(errno));
		return;
	}
	if (stat(path, &st) == 0 && !S_ISFIFO(st.st_mode)) {
		log_err("notify FIFO %s: not a FIFO", path);
		return;
	}
	f->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		log_err("notify FIFO %s: %s", path, strerror(errno));
		return;
	}
	if (run_script && script->cmd &&
	    script_cred(script, &n->p->cfg->global, &cred) == 0) {
		const char *arg = path;

		f->reader = script_start(n->p->loop, script->cmd, &arg, 1,
					 &cred, 0, NULL, NULL);
	}
}

struct vrrp_notify *vrrp_notify_new(struct vrrp_proc *p)
{
	const struct cfg_global *g = &p->cfg->global;
	struct vrrp_notify *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->p = p;
	/* the global notify_fifo is shared with the other processes: its
	 * reader script belongs to core; vrrp_notify_fifo is ours */
	fifo_open(n, &n->f[0], g->notify_fifo, &g->notify_fifo_script, false);
	if (!g->notify_fifo || !g->vrrp_notify_fifo ||
	    strcmp(g->notify_fifo, g->vrrp_notify_fifo))
		fifo_open(n, &n->f[1], g->vrrp_notify_fifo,
			  &g->vrrp_notify_fifo_script, true);
	else
		n->f[1].fd = -1;
	return n;
}

void vrrp_notify_free(struct vrrp_notify *n)
{
	size_t k;

	if (!n)
		return;
	for (k = 0; k < 2; k++) {
		script_cancel(n->f[k].reader);
		if (n->f[k].fd >= 0)
			close(n->f[k].fd);
		free(n->f[k].path);
	}
	free(n);
}

static void run_done(void *arg, int status)
{
	struct vrrp_proc *p = arg;

	p->notify_running--;
}

static void run(struct vrrp_proc *p, const struct cfg_cmd *cmd,
		const char *const *extra, size_t n_extra)
{
	struct script_cred cred;

	if (!cmd || !cmd->cmd)
		return;
	if (script_cred(cmd, &p->cfg->global, &cred) < 0)
		return;
	/* counted so that a stopping process lets notify_stop finish */
	if (script_start(p->loop, cmd->cmd, extra, n_extra, &cred,
			 VRRP_NOTIFY_TIMEOUT_US, run_done, p))
		p->notify_running++;
}

void vrrp_notify_event(struct vrrp_proc *p, const char *kind, const char *name,
		       const char *state, unsigned prio,
		       const struct cfg_cmd *master,
		       const struct cfg_cmd *backup,
		       const struct cfg_cmd *fault, const struct cfg_cmd *stop,
		       const struct cfg_cmd *any)
{
	char line[160], pr[16];
	const char *args[4];
	int len;
	size_t k;

	if (!strcmp(state, "MASTER"))
		run(p, master, NULL, 0);
	else if (!strcmp(state, "BACKUP"))
		run(p, backup, NULL, 0);
	else if (!strcmp(state, "FAULT"))
		run(p, fault, NULL, 0);
	else if (!strcmp(state, "STOP"))
		run(p, stop, NULL, 0);
	snprintf(pr, sizeof(pr), "%u", prio);
	args[0] = kind;
	args[1] = name;
	args[2] = state;
	args[3] = pr;
	run(p, any, args, 4);

	len = vrrp_notify_line(line, sizeof(line), kind, name, state, prio);
	if (len < 0 || !p->notify)
		return;
	for (k = 0; k < 2; k++) {
		struct fifo *f = &p->notify->f[k];

		if (f->fd < 0)
			continue;
		if (write(f->fd, line, (size_t)len) != len)
			log_warn("notify FIFO %s: line lost: %s", f->path,
				 errno == EAGAIN ? "FIFO full (no reader?)" :
						   strerror(errno));
	}
}
