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

/* Installs the ClientHello and ALPN callbacks into a server SSL_CTX.
 * Returns 0 on success, -1 on failure (see certa_last_error()). */
int certa_agent_attach(certa_agent *agent, SSL_CTX *ctx);

/* Reloads changes from the store now. 0 on success, -1 on failure. */
int certa_agent_refresh(certa_agent *agent);

/* Number of active certificates currently served. */
size_t certa_agent_certificate_count(const certa_agent *agent);

/* Stops the watcher and frees the agent. NULL is accepted. */
void certa_agent_close(certa_agent *agent);

/* The message of the last failure in this thread ("" when none). Valid until
 * the next certa_* call in the same thread. */
const char *certa_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* CERTA_HANDSHAKE_H */
