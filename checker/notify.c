/*
 * notify.c - notify_up/notify_down and quorum_up/quorum_down scripts, and
 * keepalived's ordered FIFO lines. Scripts are fire and forget (lib/script.c
 * reaps them through their pidfds); FIFO lines are written in event order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include "log.h"
#include "checker/notify.h"
#include "checker/script.h"

static const char *notify_proto(int p)
{
	switch (p) {
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "tcp";
	}
}

const char *chk_fmt_vs(const struct cfg *c, const struct cfg_vs *vs, char *buf)
{
	char a[ADDR_STRLEN];

	switch (vs->kind) {
	case CFG_VS_FWMARK:
		snprintf(buf, CHK_NAME_MAX, "FWM %u", vs->fwmark);
		break;
	case CFG_VS_GROUP:
		snprintf(buf, CHK_NAME_MAX, "[%s]:%s:%u",
			 c->groups[vs->group].name, notify_proto(vs->protocol),
			 vs->port);
		break;
	default:
		snprintf(buf, CHK_NAME_MAX, "[%s]:%s:%u",
			 addr_fmt(&vs->addr, a), notify_proto(vs->protocol),
			 vs->port);
		break;
	}
	return buf;
}

const char *chk_fmt_rs(const struct cfg_vs *vs, const struct cfg_rs *rs,
		       char *buf)
{
	char a[ADDR_STRLEN];

	snprintf(buf, CHK_NAME_MAX, "[%s]:%s:%u", addr_fmt(&rs->addr, a),
		 notify_proto(vs->protocol), rs->port);
	return buf;
}

static const char *notify_path(const struct chk_engine *e, int i)
{
	const struct cfg_global *g = &e->gen->cfg->global;

	return i == 0 ? g->notify_fifo : g->lvs_notify_fifo;
}

void chk_notify_close(struct chk_engine *e)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (e->fifo_fd[i] >= 0)
			close(e->fifo_fd[i]);
		e->fifo_fd[i] = -1;
		free(e->fifo_path[i]);
		e->fifo_path[i] = NULL;
	}
	if (e->fifo_reader > 0)
		kill(-e->fifo_reader, SIGTERM);
	e->fifo_reader = 0;
}

/*
 * Opened read-write and non-blocking (as keepalived does): a missing reader
 * neither fails the open nor blocks the checks; a full FIFO loses the line.
 */
static void notify_open_one(struct chk_engine *e, int i)
{
	const struct cfg_global *g = &e->gen->cfg->global;
	const char *path = notify_path(e, i);
	struct stat st;

	if (!path)
		return;
	if (stat(path, &st) < 0 && mkfifo(path, 0600) < 0) {
		log_err("checker: notify FIFO %s: %s", path, strerror(errno));
		return;
	}
	if (stat(path, &st) == 0 && !S_ISFIFO(st.st_mode)) {
		log_err("checker: notify FIFO %s: not a FIFO", path);
		return;
	}
	e->fifo_fd[i] = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (e->fifo_fd[i] < 0) {
		log_err("checker: notify FIFO %s: %s", path, strerror(errno));
		return;
	}
	e->fifo_path[i] = strdup(path);
	/* lvs_notify_fifo_script reads our FIFO; notify_fifo's belongs to core */
	if (i == 1 && g->lvs_notify_fifo_script.cmd && !e->fifo_reader) {
		struct cfg_cmd rd = g->lvs_notify_fifo_script;
		size_t n = strlen(rd.cmd) + strlen(path) + 4;
		char *cmd = malloc(n);

		if (!cmd)
			return;
		snprintf(cmd, n, "%s '%s'", rd.cmd, path);
		rd.cmd = cmd;
		e->fifo_reader = chk_script_spawn(e, &rd);
		if (e->fifo_reader < 0)
			e->fifo_reader = 0; /* logged */
		free(cmd);
	}
}

void chk_notify_open(struct chk_engine *e)
{
	int i;

	/* keep a FIFO whose path a reload did not change: the process may
	 * no longer have the privilege to open it again */
	for (i = 0; i < 2; i++) {
		const char *path = notify_path(e, i);

		if (e->fifo_fd[i] >= 0 && path && e->fifo_path[i] &&
		    !strcmp(path, e->fifo_path[i]))
			continue;
		if (e->fifo_fd[i] >= 0)
			close(e->fifo_fd[i]);
		e->fifo_fd[i] = -1;
		free(e->fifo_path[i]);
		e->fifo_path[i] = NULL;
		if (i == 1 && path && notify_path(e, 0) &&
		    !strcmp(path, notify_path(e, 0)))
			continue; /* one FIFO for both: one line */
		notify_open_one(e, i);
	}
}

static void notify_fifo_write(struct chk_engine *e, const char *line)
{
	size_t n = strlen(line);
	int i;

	for (i = 0; i < 2; i++) {
		if (e->fifo_fd[i] < 0)
			continue;
		if (write(e->fifo_fd[i], line, n) != (ssize_t)n)
			log_warn("checker: notify FIFO %s: %s; line lost",
				 e->fifo_path[i],
				 errno == EAGAIN ? "full" : strerror(errno));
	}
}

static void notify_cmd(struct chk_engine *e, const struct cfg_cmd *cmd)
{
	if (cmd->cmd)
		chk_script_spawn(e, cmd); /* a failure is logged */
}

void chk_notify_rs(struct chk_engine *e, const struct chk_rs *rs)
{
	char line[2 * CHK_NAME_MAX + 16], r[CHK_NAME_MAX], v[CHK_NAME_MAX];

	notify_cmd(e, cfg_rs_notify(rs->cfg, rs->up));
	snprintf(line, sizeof(line), "RS %s %s %s\n",
		 chk_fmt_rs(rs->vs->cfg, rs->cfg, r),
		 chk_fmt_vs(e->gen->cfg, rs->vs->cfg, v),
		 rs->up ? "UP" : "DOWN");
	notify_fifo_write(e, line);
}

void chk_notify_vs(struct chk_engine *e, const struct chk_vs *vs)
{
	char line[CHK_NAME_MAX + 16], v[CHK_NAME_MAX];

	notify_cmd(e,
		   vs->quorum_up ? &vs->cfg->quorum_up : &vs->cfg->quorum_down);
	snprintf(line, sizeof(line), "VS %s %s\n",
		 chk_fmt_vs(e->gen->cfg, vs->cfg, v),
		 vs->quorum_up ? "UP" : "DOWN");
	notify_fifo_write(e, line);
}
