/*
 * main.c - directord: parse the command line, check the configuration (-t),
 * detach (unless -n) and run the core process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cfg.h"
#include "checker/checker.h"
#include "core.h"
#include "log.h"

/* config_test - print every problem as file:line; 0 clean, 1 on errors. */
static int config_test(const struct core_opts *o)
{
	struct cfg_opts co = { .config_id = o->config_id };
	struct cfg_diag d = { 0 };
	struct cfg *c = cfg_load(o->config, &co, &d);
	char buf[1024];
	size_t i;
	int rc = d.n_errors || !c ? 1 : 0;

	for (i = 0; i < d.n_msgs; i++)
		fprintf(stderr, "%s\n",
			cfg_diag_fmt(&d.msgs[i], buf, sizeof(buf)));
	if (rc && !d.n_msgs)
		fprintf(stderr, "%s: cannot load the configuration\n",
			o->config);
	cfg_diag_free(&d);
	cfg_free(c);
	return rc;
}

/*
 * daemonize - detach from the terminal. The first parent waits on a pipe
 * until the daemon is serving (or failed), so the exit status tells.
 * @keep_stderr: leave stderr open (-l)
 * Returns in the daemon with *ready_fd set; exits in the parents.
 */
static void daemonize(int *ready_fd, bool keep_stderr)
{
	int p[2], fd;
	pid_t pid;
	char b = 1;

	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("directord: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("directord: fork");
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		/* 1 byte: started; EOF: the daemon died first */
		if (read(p[0], &b, 1) == 1 && b == 0)
			exit(0);
		fprintf(stderr, "directord: not started; the reason is in the "
				"system log (or run with -n -l)\n");
		exit(1);
	}
	close(p[0]);
	if (setsid() < 0)
		exit(1);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		exit(1);
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (!keep_stderr)
			dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	*ready_fd = p[1];
}

/*
 * absolute - make @path absolute: the children re-read the file on reload
 * and the daemon changes to "/". Returns @path or a static copy.
 */
static const char *absolute(const char *path)
{
	static char buf[4096];
	char cwd[4096];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", cwd, path) >=
	    sizeof(buf))
		return path;
	return buf;
}

int main(int argc, char **argv)
{
	struct core_opts o;
	char err[256];
	int rc;

	/* core started this image as its checker process (supervise.c) */
	if (argc > 1 && strcmp(argv[1], CHK_EXEC_ROLE) == 0)
		chk_exec_main(argc, argv);
	rc = core_opts_parse(argc, argv, &o, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "directord: %s\n", err);
		return 2;
	}
	if (rc > 0)
		return 0;
	if (o.config_test)
		return config_test(&o);
	o.ready_fd = -1;
	o.config = absolute(o.config);
	/* with -l the detached daemon keeps logging to the inherited stderr */
	if (!o.dont_fork)
		daemonize(&o.ready_fd, o.console);
	log_init("directord", o.console, o.facility, o.detail);
	return core_run(&o);
}
