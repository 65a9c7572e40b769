/* tls.h - OpenSSL client context for SSL_GET and genhash. */
#ifndef DD_CHK_TLS_H
#define DD_CHK_TLS_H

#include <stddef.h>

#include "cfg.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

/**
 * chk_tls_ctx_new - build the client context from the global SSL block.
 * @g: global_defs (ssl_ca, ssl_cert, ssl_key, ssl_password); NULL for none
 * @err: receives the reason on failure
 * @errlen: size of @err
 * With a CA the peer's certificate chain is verified; without one it is
 * not (keepalived's SSL_GET checks reachability, not identity).
 * Returns the context or NULL.
 */
SSL_CTX *chk_tls_ctx_new(const struct cfg_global *g, char *err, size_t errlen);

/**
 * chk_tls_error - describe why an SSL call failed.
 * @ssl: the connection
 * @ret: the call's return value
 * @buf: output ("certificate verify failed: ...", "wrong version number")
 * @len: size of @buf
 * Returns @buf.
 */
const char *chk_tls_error(SSL *ssl, int ret, char *buf, size_t len);

#endif
