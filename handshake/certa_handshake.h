/* C API of the certa handshake agent, for servers written in C (or anything
 * with a C FFI) that own an OpenSSL 3 SSL_CTX. Link with
 * `pkg-config --cflags --libs certa_handshake`.
 *
 *   certa_agent *a = certa_agent_open("/var/lib/certa/certa.db", "example.com");
 *   if (!a) { fprintf(stderr, "%s\n", certa_last_error()); exit(1); }
 *   certa_agent_attach(a, ctx);   // before accepting connections
 *   ...
 *   certa_agent_close(a);         // after every SSL from ctx is freed
 *
 * The agent keeps a background thread that follows the store's changes.
 */
#ifndef CERTA_HANDSHAKE_H
#define CERTA_HANDSHAKE_H

#include <openssl/ssl.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct certa_agent certa_agent;

/* Opens the store (it must exist) and loads its certificates. default_name may
 * be NULL or "" (unknown names then fail with the unrecognized_name alert).
 * Returns NULL on failure; see certa_last_error(). */
certa_agent *certa_agent_open(const char *store_path, const char *default_name);

/* Installs the ClientHello and ALPN callbacks into a server SSL_CTX, and OCSP
 * stapling (as certa_agent_attach_stapling()).
 * Returns 0 on success, -1 on failure (see certa_last_error()). */
int certa_agent_attach(certa_agent *agent, SSL_CTX *ctx);

/* Installs only the OCSP status callback into ctx (RFC 6066 status_request):
 * a client that asks gets the stored OCSP response of the leaf the agent set
 * (certa_agent_select_certificate() or certa_agent_attach()), when it says
 * "good" for that very certificate and has not expired; otherwise no staple.
 * For hosts that use certa_agent_select_certificate(); the host's own status
 * callback (nginx: ssl_stapling) must be off for ctx. Responses are fetched
 * by `certa renew` / `certa worker`. agent may be NULL, for a host that sets
 * its callbacks before its (per-process) agent exists, such as nginx's master
 * at configuration time: the staple travels with the leaf the agent set, so
 * stapling works the same, only without the agent's counters and its
 * stale-staple refresh requests. Returns 0 on success, -1 on failure. */
int certa_agent_attach_stapling(certa_agent *agent, SSL_CTX *ctx);

/* Reloads changes from the store now. 0 on success, -1 on failure. */
int certa_agent_refresh(certa_agent *agent);

/* Number of active certificates currently served. */
size_t certa_agent_certificate_count(const certa_agent *agent);

/* Flags of certa_agent_open_flags(). */
#define CERTA_OPEN_READ_ONLY 0x1u /* open the store read-only: no write, no chmod */
/* A handshake whose certificate is not held parsed pauses while the agent's
 * loader threads read and parse it (SSL_CLIENT_HELLO_RETRY), instead of
 * reading the store on the handshake's thread. Only for servers with an
 * event loop that handle SSL_ERROR_WANT_CLIENT_HELLO_CB: see
 * certa_agent_when_loaded(). Not for nginx 1.22, which cannot. */
#define CERTA_OPEN_PAUSE_ON_MISS 0x2u

/* certa_agent_open() with flags (0, or CERTA_OPEN_READ_ONLY and/or CERTA_OPEN_PAUSE_ON_MISS). A server whose
 * unprivileged workers may only read the store (nginx) passes
 * CERTA_OPEN_READ_ONLY. Returns NULL on failure; see certa_last_error(). */
certa_agent *certa_agent_open_flags(const char *store_path, const char *default_name,
                                    unsigned int flags);

/* certa_agent_open_flags() with a bound on the certificates held parsed in
 * memory at once (0: all). The others open and certa_agent_open_flags() use
 * 100000, which holds every certificate of a store up to that size. A
 * handshake for a certificate not held reads its row from the store by id
 * (one indexed read, also on a read-only store) and parses it. Returns NULL
 * on failure; see certa_last_error(). */
certa_agent *certa_agent_open_cache(const char *store_path, const char *default_name,
                                    unsigned int flags, size_t cache_size);

/* Certificates held parsed now (at most the cache size). */
size_t certa_agent_parsed_count(const certa_agent *agent);

/* With CERTA_OPEN_PAUSE_ON_MISS: after SSL_do_handshake() (or SSL_accept())
 * on an SSL of an attached context failed with SSL_ERROR_WANT_CLIENT_HELLO_CB,
 * its certificate is loading. Calls ready(arg) once when that load is done
 * (loaded or failed): on a loader thread, or at once on this thread when
 * there is nothing to wait for. Then call SSL_do_handshake() again, from the
 * thread that owns the SSL (ready should only wake it). Each connection
 * pauses at most once; its handshake deadline is the server's own. Never
 * blocks. Returns 0, or -1 when ssl or ready is NULL. */
int certa_agent_when_loaded(SSL *ssl, void (*ready)(void *arg), void *arg);

/* Checks, without starting any thread, that an agent could serve from the
 * store: when uid and gid are not -1, that this user (with its
 * supplementary groups) can read the store, its -wal and -shm and enter its
 * directories, and that the store is not readable by every user; then
 * opens it read-only as the caller and loads its index. For a master process
 * at configuration time (nginx -t). On success returns 0 and sets
 * *certificates (may be NULL); on failure -1 and one line in
 * certa_last_error(). A postgresql:// location skips the file checks. */
int certa_store_check(const char *store_path, long uid, long gid, size_t *certificates);

/* For servers that own SNI and ALPN themselves (nginx 1.22: its servername
 * callback switches SSL_CTX, its ALPN callback selects the protocol), instead
 * of certa_agent_attach(). Install a certificate callback and call
 * certa_agent_select_certificate() from it; call
 * certa_agent_select_alpn() first in your ALPN select callback; optionally
 * call certa_agent_record_client_hello() from your ClientHello callback. */

/* From a ClientHello callback: keeps the parsed ClientHello (SNI, ALPN
 * offers, signature algorithms) on ssl. Without it, a TLS 1.2 client's
 * acme-tls/1 offer is not seen before the certificate is chosen. Sets no
 * certificate. Returns 0 (-1 if agent or ssl is NULL). */
int certa_agent_record_client_hello(certa_agent *agent, SSL *ssl);

/* Results of certa_agent_select_certificate(). */
#define CERTA_SELECT_REFUSED (-1)  /* fail the handshake */
#define CERTA_SELECT_CONTEXT 0     /* nothing for this name: ctx's own certificate stays */
#define CERTA_SELECT_LEAF 1        /* a leaf from the store was set on ssl */
#define CERTA_SELECT_CHALLENGE 2   /* the RFC 8737 challenge certificate was set */

/* From a certificate callback (SSL_CTX_set_cert_cb), after any SNI switch:
 * the leaf for the SNI (exact, then a one-label wildcard), the local IP for a
 * client without SNI, then default_name (NULL or "": none); among a name's
 * certificates, one whose key type the client's signature_algorithms accept.
 * The challenge certificate instead when acme-tls/1 was negotiated or, under
 * TLS 1.2, offered (recorded) with a challenge pending for the SNI.
 * Returns one of CERTA_SELECT_*. The cert callback should return 1 unless
 * the result is CERTA_SELECT_REFUSED (then 0). */
int certa_agent_select_certificate(certa_agent *agent, SSL *ssl, const char *default_name);

/* From an ALPN select callback, before your own selection: returns 1 with
 * *out and *outlen pointing at "acme-tls/1" inside in when the client offers it
 * and a tls-alpn-01 challenge is pending for the SNI (RFC 8737 §3; under TLS
 * 1.2 only when certa_agent_select_certificate() served the challenge
 * certificate); return SSL_TLSEXT_ERR_OK then. Returns 0 otherwise: select
 * as usual. */
int certa_agent_select_alpn(certa_agent *agent, SSL *ssl, const unsigned char **out,
                            unsigned char *outlen, const unsigned char *in, unsigned int inlen);

/* On-demand issuance for servers that cannot pause a handshake in OpenSSL's
 * callbacks (nginx 1.22): the server peeks at the ClientHello before TLS
 * starts, and for a name without a certificate asks `certa worker
 * --request-socket` (certa-worker(8)) to request one, then waits, bounded,
 * re-checking certa_agent_has_name(), before it starts the handshake. */

/* Results of certa_peek_sni(). */
#define CERTA_PEEK_MORE (-1)     /* a ClientHello so far, but incomplete: peek again with more bytes */
#define CERTA_PEEK_NONE 0        /* not a TLS ClientHello, malformed, too large, or without a usable host name */
#define CERTA_PEEK_NAME 1        /* a complete ClientHello with a host name (copied into out) */
#define CERTA_PEEK_CHALLENGE 2   /* the same, offering ALPN acme-tls/1 (RFC 8737 §6.2): a challenge, not a leaf */

/* Bytes beyond which certa_peek_sni() gives up (CERTA_PEEK_NONE): a larger
 * ClientHello is not waited for. */
#define CERTA_PEEK_MAX_BYTES 16384

/* Parses the first `len` bytes a client sent (read with MSG_PEEK, so that
 * TLS later reads them again) as a TLS ClientHello, records and fragments
 * included (RFC 8446 §5.1, §4.1.2; RFC 6066 §3 server_name). Hostile input
 * is checked at every length; nothing is kept. On CERTA_PEEK_NAME and
 * CERTA_PEEK_CHALLENGE the host name as sent, NUL-terminated, is in out
 * (outlen bytes; a name that does not fit gives CERTA_PEEK_NONE). Thread-safe. */
int certa_peek_sni(const unsigned char *buf, size_t len, char *out, size_t outlen);

/* Results of certa_agent_has_name(). */
#define CERTA_NAME_NOT_DNS (-1)  /* not a valid DNS name (an IP, junk): nothing to issue */
#define CERTA_NAME_MISSING 0     /* no currently valid certificate for it (none, or expired) */
#define CERTA_NAME_SERVED 1      /* a currently valid certificate (exact or one-label wildcard) */

/* Whether the agent serves a currently valid certificate for `server_name`
 * (as sent by the client; normalized here), from memory: never touches the
 * store, cheap enough for every handshake. Returns one of CERTA_NAME_*
 * (CERTA_NAME_NOT_DNS when agent or server_name is NULL). */
int certa_agent_has_name(const certa_agent *agent, const char *server_name);

/* Stops the watcher and frees the agent. NULL is accepted. */
void certa_agent_close(certa_agent *agent);

/* The message of the last failure in this thread ("" when none). Valid until
 * the next certa_* call in the same thread. */
const char *certa_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* CERTA_HANDSHAKE_H */
