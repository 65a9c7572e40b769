/* genhash.h - "directorctl genhash": the MD5 of a URL's body for "digest". */
#ifndef DD_CHK_GENHASH_H
#define DD_CHK_GENHASH_H

/**
 * chk_genhash_main - fetch a URL as HTTP_GET/SSL_GET would and print the
 * MD5 of its body, like keepalived's genhash.
 * @argc: argument count (argv[0] is the command name, e.g. "genhash")
 * @argv: -s SERVER -p PORT -u PATH [-S] [-V VHOST] [-P 1.0|1.0C|1.1]
 *        [-t SECONDS] [-v]
 * Prints "MD5SUM = <32 hex digits>" (with -v also the status line and
 * headers) on stdout.
 * Returns 0 on success, 1 on a fetch failure, 2 on a usage error.
 */
int chk_genhash_main(int argc, char **argv);

#endif
