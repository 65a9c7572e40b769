/*
 * genhash.c - "directorctl genhash": fetch one URL with the same request
 * and parser as HTTP_GET/SSL_GET and print the MD5 of the body. A blocking
 * client: it is a one-shot command line tool, not part of the event loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "checker/genhash.h"
#include "checker/http_parse.h"
#include "checker/tls.h"

struct gh_opts {
	struct addr server;
	unsigned port;
	const char *path;
	const char *vhost;
	bool tls;
	bool verbose;
	int proto;
	unsigned timeout;
};

static int gh_usage(void)
{
	fprintf(stderr,
		"usage: directorctl genhash -s SERVER -p PORT -u PATH [-S] "
		"[-V VHOST]\n"
		"       [-P 1.0|1.0C|1.1] [-t SECONDS] [-v]\n"
		"  -S  use TLS (SSL_GET)   -V  Host header / SNI name\n");
	return 2;
}

static int gh_parse(int argc, char **argv, struct gh_opts *o)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "url", required_argument, NULL, 'u' },
		{ "use-ssl", no_argument, NULL, 'S' },
		{ "virtualhost", required_argument, NULL, 'V' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->proto = 10;
	o->timeout = 5;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:p:u:SV:P:t:v", lo, NULL)) !=
	       -1) {
		switch (ch) {
		case 's':
			if (addr_parse(optarg, &o->server) < 0) {
				fprintf(stderr, "genhash: bad address %s\n",
					optarg);
				return -1;
			}
			break;
		case 'p':
			o->port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o->port || o->port > 65535) {
				fprintf(stderr, "genhash: bad port %s\n",
					optarg);
				return -1;
			}
			break;
		case 'u':
			o->path = optarg;
			break;
		case 'S':
			o->tls = true;
			break;
		case 'V':
			o->vhost = optarg;
			break;
		case 'P':
			if (!strcmp(optarg, "1.0"))
				o->proto = 10;
			else if (!strcasecmp(optarg, "1.0C"))
				o->proto = 100;
			else if (!strcmp(optarg, "1.1"))
				o->proto = 11;
			else
				return -1;
			break;
		case 't':
			o->timeout = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o->timeout)
				return -1;
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			return -1;
		}
	}
	if (!o->server.family || !o->port || !o->path || optind != argc)
		return -1;
	return 0;
}

static int gh_connect(const struct gh_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct timeval tv = { .tv_sec = o->timeout };
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (o->server.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = o->server.u.v6;
		s6->sin6_port = htons((uint16_t)o->port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = o->server.u.v4;
		s4->sin_port = htons((uint16_t)o->port);
		sl = sizeof(*s4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* one read or write over the plain socket or TLS; -1 on error */
static ssize_t gh_io(int fd, SSL *ssl, void *buf, size_t n, bool wr)
{
	if (ssl) {
		int r = wr ? OSSL(SSL_write)(ssl, buf, (int)n) :
			     OSSL(SSL_read)(ssl, buf, (int)n);

		if (r > 0)
			return r;
		return OSSL(SSL_get_error)(ssl, r) == SSL_ERROR_ZERO_RETURN ?
			       0 :
			       -1;
	}
	return wr ? send(fd, buf, n, MSG_NOSIGNAL) : recv(fd, buf, n, 0);
}

static int gh_fetch(const struct gh_opts *o, int fd, SSL *ssl)
{
	struct chk_http_resp r;
	char host[300], req[4096], md5[33];
	uint8_t buf[16384];
	enum chk_http_st st = CHK_HTTP_MORE;
	int n;

	chk_http_host(host, sizeof(host), o->vhost, &o->server,
		      (uint16_t)o->port, o->tls);
	n = chk_http_request(req, sizeof(req), o->path, host, o->proto);
	if (n < 0 || chk_http_resp_init(&r, true, UINT64_MAX) < 0) {
		fprintf(stderr, "genhash: cannot build the request\n");
		return 1;
	}
	if (gh_io(fd, ssl, req, (size_t)n, true) != n) {
		fprintf(stderr, "genhash: send failed: %s\n", strerror(errno));
		chk_http_resp_free(&r);
		return 1;
	}
	while (st == CHK_HTTP_MORE) {
		ssize_t got = gh_io(fd, ssl, buf, sizeof(buf), false);

		if (got < 0) {
			fprintf(stderr, "genhash: read failed: %s\n",
				errno == EAGAIN ? "timeout" : strerror(errno));
			chk_http_resp_free(&r);
			return 1;
		}
		st = got ? chk_http_feed(&r, buf, (size_t)got) :
			   chk_http_eof(&r);
	}
	if (st == CHK_HTTP_ERR) {
		fprintf(stderr, "genhash: %s\n", r.err);
		chk_http_resp_free(&r);
		return 1;
	}
	if (o->verbose)
		printf("%s", r.hdr);
	chk_http_digest(&r, md5);
	printf("MD5SUM = %s\n", md5);
	if (o->verbose)
		printf("HTTP status %d, body %llu bytes\n", r.status,
		       (unsigned long long)r.body_len);
	chk_http_resp_free(&r);
	return 0;
}

/* libssl may not be loaded: nothing to call for NULL */
static void gh_tls_free(SSL *ssl, SSL_CTX *ctx)
{
	if (ssl)
		OSSL(SSL_free)(ssl);
	if (ctx)
		OSSL(SSL_CTX_free)(ctx);
}

int chk_genhash_main(int argc, char **argv)
{
	struct gh_opts o;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	char err[256];
	int fd, rc;

	if (gh_parse(argc, argv, &o) < 0)
		return gh_usage();
	fd = gh_connect(&o);
	if (fd < 0) {
		fprintf(stderr, "genhash: connect failed: %s\n",
			errno == EINPROGRESS || errno == EAGAIN ?
				"timeout" :
				strerror(errno));
		return 1;
	}
	if (o.tls) {
		ctx = chk_tls_ctx_new(NULL, err, sizeof(err));
		ssl = ctx ? OSSL(SSL_new)(ctx) : NULL;
		if (!ssl || OSSL(SSL_set_fd)(ssl, fd) != 1 ||
		    (o.vhost &&
		     OSSL(SSL_ctrl)(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
				    TLSEXT_NAMETYPE_host_name,
				    (void *)o.vhost) != 1) ||
		    OSSL(SSL_connect)(ssl) != 1) {
			fprintf(stderr, "genhash: TLS handshake failed: %s\n",
				ssl ? chk_tls_error(ssl, -1, err, sizeof(err)) :
				      err);
			gh_tls_free(ssl, ctx);
			close(fd);
			return 1;
		}
	}
	rc = gh_fetch(&o, fd, ssl);
	gh_tls_free(ssl, ctx);
	close(fd);
	return rc;
}
