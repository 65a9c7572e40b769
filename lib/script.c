/*
 * script.c - fork/exec of configured scripts (track, notify, FIFO readers)
 * for every process. Each child gets its own process group (so a timeout
 * kills the script and what it spawned), a clean signal mask (the loop
 * blocks signals for signalfd), no inherited descriptors beyond 0-2, and
 * PR_SET_PDEATHSIG so it dies with us.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "script.h"

struct script_child {
	struct ev_loop *loop;
	pid_t pid;
	int pidfd;
	int wstatus; /* from waitpid, for script_wait_status() */
	bool timed_out;
	bool cancelled;
	uint64_t timeout_us;
	struct ev_timer *timer;
	script_done_cb cb;
	void *arg;
	char name[96]; /* the command line, cut short, for log lines */
};

char **script_split(const char *cmd, size_t *argc)
{
	size_t len = strlen(cmd), n = 0, max = len / 2 + 2;
	char **argv = malloc(max * sizeof(char *) + len + 1);
	char *out, quote = 0;
	bool in_word = false;

	if (!argv)
		return NULL;
	out = (char *)(argv + max);
	for (; *cmd; cmd++) {
		char ch = *cmd;

		if (!quote && (ch == ' ' || ch == '\t')) {
			if (in_word)
				*out++ = '\0';
			in_word = false;
			continue;
		}
		if (!in_word) {
			argv[n++] = out;
			in_word = true;
		}
		if (ch == '\\' && cmd[1] && quote != '\'') {
			*out++ = *++cmd;
		} else if (!quote && (ch == '"' || ch == '\'')) {
			quote = ch;
		} else if (quote && ch == quote) {
			quote = 0;
		} else {
			*out++ = ch;
		}
	}
	if (in_word)
		*out = '\0';
	argv[n] = NULL;
	*argc = n;
	if (!n) {
		free(argv);
		return NULL;
	}
	return argv;
}

/* the file @cmd's first word names, through PATH when it has no '/' */
static int resolve(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;
	char **w, buf[PATH_MAX];
	size_t argc;
	int rc = -1;

	w = script_split(cmd, &argc);
	if (!w)
		return -1;
	if (strchr(w[0], '/')) {
		rc = realpath(w[0], out) ? 0 : -1;
		free(w);
		return rc;
	}
	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; rc < 0 && *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p), p, w[0]);
		if (access(buf, X_OK) == 0 && realpath(buf, out))
			rc = 0;
	}
	free(w);
	(void)len;
	return rc;
}

int script_path_safe(const char *cmd)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (resolve(cmd, real, sizeof(real)) < 0)
		return -1;
	for (;;) {
		if (stat(real, &st) < 0)
			return -1;
		if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
			return 0;
		slash = strrchr(real, '/');
		if (!slash || slash == real) {
			if (slash && real[1]) {
				real[1] = '\0'; /* finally "/" itself */
				continue;
			}
			return 1;
		}
		*slash = '\0';
	}
}

/* keepalived's enable_script_security: refuse to run a script as root
 * when another user could replace it */
static int root_check(const struct cfg_cmd *cmd, const struct cfg_global *g)
{
	int safe;

	if (!g->enable_script_security || !cmd->cmd)
		return 0;
	safe = script_path_safe(cmd->cmd);
	if (safe == 1)
		return 0;
	log_err("script '%s' refused (enable_script_security): %s", cmd->cmd,
		safe < 0 ? "not found" :
			   "it or a directory above it is not owned by root "
			   "or is writable by others");
	return -1;
}

int script_cred_for(const struct cfg_cmd *cmd, const struct cfg_global *g,
		    const char *fallback, struct script_cred *out)
{
	const char *user = cmd->user, *group = cmd->user ? cmd->group : NULL;
	struct passwd *pw;

	if (!user) {
		user = g->script_user;
		group = g->script_group;
	}
	if (!user)
		user = fallback;
	memset(out, 0, sizeof(*out));
	if (!user) {
		pw = getpwnam("keepalived_script");
		if (!pw) {
			snprintf(out->user, sizeof(out->user), "root");
			return root_check(cmd, g);
		}
	} else {
		pw = getpwnam(user);
		if (!pw) {
			log_err("script user %s does not exist", user);
			return -1;
		}
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	snprintf(out->user, sizeof(out->user), "%s", pw->pw_name);
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			log_err("script group %s does not exist", group);
			return -1;
		}
		out->gid = gr->gr_gid;
	}
	return out->uid ? 0 : root_check(cmd, g);
}

int script_cred(const struct cfg_cmd *cmd, const struct cfg_global *g,
		struct script_cred *out)
{
	return script_cred_for(cmd, g, NULL, out);
}

static void child_exec(char **argv, const struct script_cred *cred,
		       unsigned flags)
{
	sigset_t none;
	int fd, sig;

	setpgid(0, 0);
	if (!(flags & SCRIPT_OUTLIVE))
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		if (flags & SCRIPT_QUIET)
			dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	closefrom(3);
	/* root (0:0) runs as we are; so does a script user we already are:
	 * an unprivileged process could not even call setgroups() */
	if ((cred->uid || cred->gid) &&
	    (cred->uid != geteuid() || cred->gid != getegid())) {
		if (setgroups(1, &cred->gid) < 0 || setgid(cred->gid) < 0 ||
		    setuid(cred->uid) < 0)
			_exit(126);
	}
	/* the checker turned huge pages off for itself, not for scripts */
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	execvp(argv[0], argv);
	_exit(127);
}

static void child_free(struct script_child *c)
{
	ev_fd_del(c->loop, c->pidfd);
	close(c->pidfd);
	free(c);
}

static void child_exited(struct ev_loop *l, int fd, uint32_t events, void *arg)
{
	struct script_child *c = arg;
	pid_t r;
	int st = 0, status;

	(void)fd;
	(void)events;
	r = waitpid(c->pid, &st, WNOHANG);
	if (r == 0)
		return; /* spurious */
	if (r < 0) {
		/* not expected for our own child: end it rather than spin on
		 * a readable pidfd */
		log_err("script %s (pid %d): waitpid: %s", c->name, (int)c->pid,
			strerror(errno));
		st = -1;
	}
	if (c->timer)
		ev_timer_cancel(l, c->timer);
	c->timer = NULL;
	c->wstatus = c->timed_out ? -1 : st;
	if (c->timed_out || st < 0)
		status = -1;
	else if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else
		status = 128 + WTERMSIG(st);
	if (!c->cancelled && c->cb)
		c->cb(c->arg, status);
	child_free(c);
}

int script_wait_status(const struct script_child *c)
{
	return c->wstatus;
}

static void child_timeout(struct ev_loop *l, void *arg)
{
	struct script_child *c = arg;

	c->timer = NULL;
	c->timed_out = true;
	log_warn("script %s (pid %d) still running after %llu ms (timeout), "
		 "killing its process group",
		 c->name, (int)c->pid,
		 (unsigned long long)(c->timeout_us / 1000));
	kill(-c->pid, SIGKILL);
}

struct script_child *script_start(struct ev_loop *l, const char *cmd,
				  const char *const *extra, size_t n_extra,
				  const struct script_cred *cred,
				  uint64_t timeout_us, script_done_cb cb,
				  void *arg)
{
	return script_start_flags(l, cmd, extra, n_extra, cred, timeout_us, cb,
				  arg, 0);
}

/* "word word ...", so that "/bin/sh -c CMD" names CMD in log lines */
static void name_of(char *out, size_t len, char *const *argv)
{
	size_t n = 0;

	out[0] = '\0';
	for (; *argv && n + 1 < len; argv++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " " : "",
				      *argv);
}

pid_t script_pid(const struct script_child *c)
{
	return c->pid;
}

struct script_child *script_start_flags(struct ev_loop *l, const char *cmd,
					const char *const *extra,
					size_t n_extra,
					const struct script_cred *cred,
					uint64_t timeout_us, script_done_cb cb,
					void *arg, unsigned flags)
{
	struct script_child *c;
	char **words, **argv;
	size_t argc, i;

	words = script_split(cmd, &argc);
	if (!words) {
		log_err("script '%s': empty command or out of memory", cmd);
		return NULL;
	}
	argv = calloc(argc + n_extra + 1, sizeof(char *));
	c = calloc(1, sizeof(*c));
	if (!argv || !c) {
		log_err("script '%s': out of memory", cmd);
		free(words);
		free(argv);
		free(c);
		return NULL;
	}
	memcpy(argv, words, argc * sizeof(char *));
	for (i = 0; i < n_extra; i++)
		argv[argc + i] = (char *)extra[i];
	c->loop = l;
	c->cb = cb;
	c->arg = arg;
	name_of(c->name, sizeof(c->name), argv);
	c->pid = fork();
	if (c->pid == 0)
		child_exec(argv, cred, flags);
	free(words);
	free(argv);
	if (c->pid < 0) {
		log_err("script %s: fork: %s", c->name, strerror(errno));
		free(c);
		return NULL;
	}
	/* also in the parent, so a kill(-pid) right away cannot miss */
	setpgid(c->pid, c->pid);
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0 ||
	    ev_fd_add(l, c->pidfd, EPOLLIN, child_exited, c) < 0) {
		log_err("script %s: pidfd: %s", c->name, strerror(errno));
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		if (c->pidfd >= 0)
			close(c->pidfd);
		free(c);
		return NULL;
	}
	c->timeout_us = timeout_us;
	if (timeout_us) {
		c->timer = ev_timer_add(l, ev_now_us() + timeout_us,
					child_timeout, c);
		if (!c->timer)
			log_warn("script %s (pid %d): no timeout (out of "
				 "memory)",
				 c->name, (int)c->pid);
	}
	c->wstatus = -1;
	return c;
}

void script_cancel(struct script_child *c)
{
	if (!c)
		return;
	c->cancelled = true;
	if (c->timer) {
		ev_timer_cancel(c->loop, c->timer);
		c->timer = NULL;
	}
	kill(-c->pid, SIGKILL);
}
