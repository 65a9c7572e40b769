/*
 * tls.h - OpenSSL for SSL_GET, HTTP digests and genhash, loaded with
 * dlopen the first time a configuration needs it: loading libssl and
 * libcrypto costs over a megabyte of resident memory (their relocations)
 * in every process that maps them, and most configurations use neither.
 * Calls go through the table chk_ossl (OSSL(name)), filled by
 * chk_ossl_load.
 */
#ifndef DD_CHK_TLS_H
#define DD_CHK_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cfg.h"

/* the functions used from libcrypto */
#define CHK_OSSL_CRYPTO(X)         \
	X(ERR_clear_error)         \
	X(ERR_get_error)           \
	X(ERR_peek_error)          \
	X(ERR_reason_error_string) \
	X(EVP_DigestFinal_ex)      \
	X(EVP_DigestInit_ex)       \
	X(EVP_DigestUpdate)        \
	X(EVP_MD_CTX_free)         \
	X(EVP_MD_CTX_new)          \
	X(EVP_md5)                 \
	X(X509_verify_cert_error_string)

/* and from libssl */
#define CHK_OSSL_SSL(X)                           \
	X(SSL_CTX_free)                           \
	X(SSL_CTX_load_verify_locations)          \
	X(SSL_CTX_new)                            \
	X(SSL_CTX_set_default_passwd_cb)          \
	X(SSL_CTX_set_default_passwd_cb_userdata) \
	X(SSL_CTX_set_options)                    \
	X(SSL_CTX_set_verify)                     \
	X(SSL_CTX_use_PrivateKey_file)            \
	X(SSL_CTX_use_certificate_chain_file)     \
	X(SSL_connect)                            \
	X(SSL_ctrl)                               \
	X(SSL_do_handshake)                       \
	X(SSL_free)                               \
	X(SSL_get_error)                          \
	X(SSL_get_verify_result)                  \
	X(SSL_new)                                \
	X(SSL_read)                               \
	X(SSL_set_connect_state)                  \
	X(SSL_set_fd)                             \
	X(SSL_write)                              \
	X(TLS_client_method)

#define CHK_OSSL_PTR(f) __typeof__(f) *f;

/* the loaded functions; NULL until chk_ossl_load succeeded for them */
struct chk_ossl {
	CHK_OSSL_CRYPTO(CHK_OSSL_PTR)
	CHK_OSSL_SSL(CHK_OSSL_PTR)
};

extern struct chk_ossl chk_ossl;

/* call OpenSSL's @f through the table */
#define OSSL(f) (chk_ossl.f)

/**
 * chk_ossl_load - load libcrypto, and libssl with @tls, once.
 * @tls: also load libssl (SSL_GET, genhash -S); false: digests only
 * @err: receives the reason on failure
 * @errlen: size of @err
 * Returns 0 when every function of the asked libraries is in chk_ossl,
 * or -1 (what was loaded before stays usable).
 */
int chk_ossl_load(bool tls, char *err, size_t errlen);

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
