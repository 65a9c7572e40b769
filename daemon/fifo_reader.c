/*
 * fifo_reader.c - notify_fifo_script, the reader of the global notify_fifo.
 * Both the vrrp and the checker process write that FIFO, so neither owns
 * its reader: core creates the FIFO and runs the script (as keepalived's
 * parent does), with the FIFO's path as its argument, as the script user.
 * A reload restarts it only when the FIFO or the command changed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core.h"
#include "log.h"
#include "script.h"

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void reader_done(void *arg, int status)
{
	struct core *c = arg;

	c->fifo_reader = NULL;
	if (!c->stopping)
		log_warn("notify_fifo_script %s ended (status %d); it is "
			 "started again on the next reload",
			 c->fifo_cmd ? c->fifo_cmd : "?", status);
}

/* mkfifo when missing; refuse anything that is not a FIFO */
static int make_fifo(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT || mkfifo(path, 0600) < 0) {
			log_err("notify_fifo %s: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!S_ISFIFO(st.st_mode)) {
		log_err("notify_fifo %s: exists and is not a FIFO", path);
		return -1;
	}
	return 0;
}

void core_fifo_reader_stop(struct core *c)
{
	script_cancel(c->fifo_reader); /* its group, with what it started */
	c->fifo_reader = NULL;
	free(c->fifo_path);
	free(c->fifo_cmd);
	c->fifo_path = c->fifo_cmd = NULL;
}

void core_fifo_reader_update(struct core *c)
{
	const struct cfg_global *g = &c->cfg->global;
	const char *path = g->notify_fifo;
	const char *cmd = g->notify_fifo_script.cmd;
	struct script_cred cred;

	if (!path || !cmd)
		cmd = path = NULL; /* nothing to run */
	if (c->fifo_reader && same(path, c->fifo_path) &&
	    same(cmd, c->fifo_cmd))
		return;
	core_fifo_reader_stop(c);
	if (!cmd)
		return;
	if (make_fifo(path) < 0 ||
	    script_cred(&g->notify_fifo_script, g, &cred) < 0)
		return;
	c->fifo_reader =
		script_start(c->loop, cmd, &path, 1, &cred, 0, reader_done, c);
	if (!c->fifo_reader)
		return;
	c->fifo_path = strdup(path);
	c->fifo_cmd = strdup(cmd);
	log_info("notify_fifo_script %s started as %s, reading %s", cmd,
		 cred.user, path);
}
