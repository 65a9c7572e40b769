/* options.c - the directord command line, as keepalived's where they overlap. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "core.h"

enum { OPT_CONTROL = 256 };

static const struct option long_opts[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "log-facility", required_argument, NULL, 'S' },
	{ "pid", required_argument, NULL, 'p' },
	{ "config-test", optional_argument, NULL, 't' },
	{ "config-id", required_argument, NULL, 'i' },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "check", no_argument, NULL, 'C' },
	{ "dont-release-ipvs", no_argument, NULL, 'I' },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: directord [OPTION...]\n"
	       "  -f, --use-file FILE       configuration file (default %s)\n"
	       "  -n, --dont-fork           stay in the foreground\n"
	       "  -l, --log-console         log to stderr instead of syslog\n"
	       "  -D, --log-detail          also log debug detail\n"
	       "  -S, --log-facility N      syslog facility: 0-7 (local0-7), "
	       "local0-7, user, daemon\n"
	       "  -p, --pid FILE            pidfile (default %s)\n"
	       "  -t, --config-test[=FILE]  check the configuration and exit:\n"
	       "                            0 clean, 1 on errors\n"
	       "  -i, --config-id ID        select @ID lines (default: short "
	       "hostname)\n"
	       "  -P, --vrrp                run only the VRRP process\n"
	       "  -C, --check               run only the checker process\n"
	       "  -I, --dont-release-ipvs   keep IPVS entries on stop\n"
	       "      --control PATH        control socket (default %s)\n"
	       "  -v, --version             print the version\n"
	       "  -h, --help                this help\n",
	       CORE_DEFAULT_CONFIG, CORE_DEFAULT_PIDFILE, CORE_DEFAULT_CONTROL);
}

/* parse_facility - "0".."7" (local0..7), "localN", "user", "daemon". */
static int parse_facility(const char *s)
{
	static const int local[8] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
				      LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
				      LOG_LOCAL6, LOG_LOCAL7 };

	if (!strcasecmp(s, "daemon"))
		return LOG_DAEMON;
	if (!strcasecmp(s, "user"))
		return LOG_USER;
	if (!strncasecmp(s, "local", 5))
		s += 5;
	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return local[s[0] - '0'];
	return -1;
}

int core_opts_parse(int argc, char **argv, struct core_opts *o, char *err,
		    size_t errlen)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->config = CORE_DEFAULT_CONFIG;
	o->control = CORE_DEFAULT_CONTROL;
	o->pidfile = CORE_DEFAULT_PIDFILE;
	o->facility = LOG_DAEMON;
	o->mode = CORE_MODE_ALL;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":f:nlDS:p:t::i:PCIvh", long_opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->config = optarg;
			break;
		case 'n':
			o->dont_fork = true;
			break;
		case 'l':
			o->console = true;
			break;
		case 'D':
			o->detail = true;
			break;
		case 'S':
			o->facility = parse_facility(optarg);
			if (o->facility < 0) {
				snprintf(err, errlen,
					 "bad log facility '%s' (0-7, local0-7,"
					 " user, daemon)",
					 optarg);
				return -1;
			}
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 't':
			o->config_test = true;
			if (optarg)
				o->config = optarg;
			break;
		case 'i':
			o->config_id = optarg;
			break;
		case 'P':
		case 'C':
			if (o->mode != CORE_MODE_ALL) {
				snprintf(err, errlen,
					 "-P/--vrrp and -C/--check exclude each"
					 " other");
				return -1;
			}
			o->mode = ch == 'P' ? CORE_MODE_VRRP : CORE_MODE_CHECK;
			break;
		case 'I':
			o->keep_ipvs = true;
			break;
		case OPT_CONTROL:
			o->control = optarg;
			break;
		case 'v':
			printf("directord %s\n", PACKAGE_VERSION);
			return 1;
		case 'h':
			usage();
			return 1;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument",
				 argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option '%s' (see -h)",
				 argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see -h)",
			 argv[optind]);
		return -1;
	}
	if (!*o->control || !*o->config) {
		snprintf(err, errlen, "empty path");
		return -1;
	}
	return 0;
}
