/*
 * directorctl - talk to a running directord over its control socket.
 *
 *   directorctl [--control PATH] status [--json]
 *   directorctl [--control PATH] reload
 *   directorctl [--control PATH] stepdown INSTANCE
 *   directorctl genhash -s SERVER -p PORT -u PATH [...]   (no daemon needed)
 *
 * Exit status: 0 done, 1 the daemon refused (error reply, refused reload),
 * 2 the daemon cannot be reached, 64 bad command line. genhash: 0 done,
 * 1 fetch failure, 2 usage (keepalived's genhash).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <json-c/json.h>

#include "checker/genhash.h"
#include "daemon/realserver.h"
#include "ctl_print.h"

#define CTL_DEFAULT_CONTROL RUNSTATEDIR "/directord/control"
#define CTL_REPLY_TIMEOUT_MS 60000
#define EXIT_REFUSED 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE 64

static const char *control_path = CTL_DEFAULT_CONTROL;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: directorctl [--control PATH] COMMAND\n"
		"  status [--json]     processes, configuration, VRRP, "
		"virtual servers\n"
		"  reload              reload the configuration; prints every "
		"error\n"
		"  stepdown INSTANCE   make a MASTER vrrp_instance give up\n"
		"  genhash -s SERVER -p PORT -u PATH [-S] [-V VHOST] "
		"[-P 1.0|1.0C|1.1]\n"
		"          [-t SECONDS] [-v]\n"
		"  realserver prepare|check --vip ADDR [--apply] [--dev IF]\n"
		"                      what an LVS-DR real server needs (VIP on lo,\n"
		"                      arp_ignore, arp_announce)\n"
		"                      MD5 of a URL's body, for "
		"HTTP_GET/SSL_GET "
		"digest\n"
		"Options:\n"
		"  --control PATH      control socket (default %s)\n"
		"  -h, --help          this help\n"
		"Exit status: 0 done, 1 refused, 2 directord unreachable, 64 "
		"usage.\n",
		CTL_DEFAULT_CONTROL);
}

static int unreachable(const char *what)
{
	fprintf(stderr,
		"directorctl: cannot reach directord at %s: %s (is it running? "
		"use --control PATH for another instance)\n",
		control_path, what);
	return EXIT_UNREACHABLE;
}

/* ask - send one request line, read one reply line; exit code or 0. */
static int ask(struct json_object *req, struct json_object **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *s =
		json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	char *buf = NULL, *nl = NULL;
	size_t len = 0, cap = 0;
	int fd;

	if (strlen(control_path) >= sizeof(sa.sun_path))
		return unreachable("path too long");
	memcpy(sa.sun_path, control_path, strlen(control_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return unreachable(strerror(errno));
	if (send(fd, s, strlen(s), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return unreachable(strerror(errno));
	}
	while (!nl) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (cap - len < 65536) {
			/* doubling: a status of 10,000 real servers is 5 MB */
			size_t ncap = cap ? 2 * cap : 262144;
			char *b = realloc(buf, ncap);

			if (!b) {
				fprintf(stderr, "directorctl: out of memory\n");
				free(buf);
				close(fd);
				return EXIT_REFUSED;
			}
			buf = b;
			cap = ncap;
		}
		if (poll(&p, 1, CTL_REPLY_TIMEOUT_MS) == 0) {
			free(buf);
			close(fd);
			return unreachable("no reply within 60 s");
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			close(fd);
			return unreachable(n < 0 ? strerror(errno) :
						   "connection closed without "
						   "a reply");
		}
		buf[len + (size_t)n] = '\0';
		nl = strchr(buf + len, '\n');
		len += (size_t)n;
	}
	close(fd);
	*nl = '\0';
	*reply = json_tokener_parse(buf);
	free(buf);
	if (!*reply) {
		fprintf(stderr, "directorctl: the reply is not JSON\n");
		return EXIT_REFUSED;
	}
	return 0;
}

static const char *reply_error(struct json_object *r)
{
	struct json_object *v;

	if (json_object_object_get_ex(r, "error", &v))
		return json_object_get_string(v);
	return "refused";
}

static bool reply_ok(struct json_object *r)
{
	struct json_object *v;

	return json_object_object_get_ex(r, "ok", &v) &&
	       json_object_get_boolean(v);
}

static void print_list(FILE *f, struct json_object *r, const char *key,
		       const char *label)
{
	struct json_object *a;
	size_t i;

	if (!json_object_object_get_ex(r, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(a); i++)
		fprintf(f, "  %s%s\n", label,
			json_object_get_string(
				json_object_array_get_idx(a, i)));
}

static int cmd_status(struct json_object *r, bool as_json)
{
	struct json_object *st;

	if (!reply_ok(r) || !json_object_object_get_ex(r, "status", &st)) {
		fprintf(stderr, "directorctl: status: %s\n", reply_error(r));
		return EXIT_REFUSED;
	}
	if (as_json)
		printf("%s\n", json_object_to_json_string_ext(
				       st, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_SPACED));
	else
		ctl_print_status(stdout, st);
	return 0;
}

static int cmd_reload(struct json_object *r)
{
	struct json_object *g = NULL;

	json_object_object_get_ex(r, "generation", &g);
	if (!reply_ok(r)) {
		printf("reload refused: %s (generation %s still running)\n",
		       reply_error(r), g ? json_object_get_string(g) : "-");
		print_list(stdout, r, "errors", "");
		print_list(stdout, r, "warnings", "");
		return EXIT_REFUSED;
	}
	printf("configuration reloaded: generation %s\n",
	       g ? json_object_get_string(g) : "-");
	print_list(stdout, r, "warnings", "");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *req, *reply = NULL;
	const char *cmd;
	bool as_json = false;
	int ch, rc;

	/* "+": options stop at the command, so "status --json" stays its own */
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			control_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	/* keepalived's genhash, built in: talks to the web server, not to us */
	if (!strcmp(cmd, "genhash"))
		return chk_genhash_main(argc - optind + 1, argv + optind - 1);
	/* LVS-DR real-server preparation: local, no daemon needed */
	if (!strcmp(cmd, "realserver"))
		return ctl_realserver_main(argc - optind + 1, argv + optind - 1);
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (!strcmp(cmd, "status") && optind < argc &&
	    !strcmp(argv[optind], "--json")) {
		as_json = true;
		optind++;
	} else if (!strcmp(cmd, "stepdown") && optind < argc) {
		json_object_object_add(req, "instance",
				       json_object_new_string(argv[optind++]));
	} else if (strcmp(cmd, "status") && strcmp(cmd, "reload")) {
		fprintf(stderr, "directorctl: %s\n",
			strcmp(cmd, "stepdown") ? "unknown command" :
						  "stepdown needs an INSTANCE");
		usage(stderr);
		json_object_put(req);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "directorctl: unexpected argument '%s'\n",
			argv[optind]);
		json_object_put(req);
		return EXIT_USAGE;
	}
	rc = ask(req, &reply);
	json_object_put(req);
	if (rc)
		return rc;
	if (!strcmp(cmd, "status"))
		rc = cmd_status(reply, as_json);
	else if (!strcmp(cmd, "reload"))
		rc = cmd_reload(reply);
	else if (reply_ok(reply))
		printf("stepdown sent to %s\n", argv[argc - 1]);
	else {
		fprintf(stderr, "directorctl: stepdown: %s\n",
			reply_error(reply));
		rc = EXIT_REFUSED;
	}
	json_object_put(reply);
	return rc;
}
