/* The OpenSSL callbacks of ngx_http_certa_module, installed at configuration
 * time on each "certa on" block's SSL_CTX. They use the worker's agent
 * (ngx_http_certa_agent) and do nothing while there is none.
 *
 * nginx 1.22 picks the virtual server in its servername callback with
 * SSL_set_SSL_CTX, which copies the new context's certificate callback and
 * argument, so the certificate callback below runs with the selected block's
 * configuration. nginx leaves the ClientHello callback free (it records the
 * ClientHello for the agent) and owns the ALPN callback, which is replaced
 * here by one that negotiates acme-tls/1 only for a pending tls-alpn-01
 * challenge (RFC 8737 §3) and otherwise selects what nginx 1.22's own
 * callback does (OpenSSL has no getter for a context's ALPN callback, so it
 * cannot be called). */
#include "ngx_http_certa_module.h"

#if (NGX_HTTP_V2)
#include <ngx_http_v2.h>
#endif

/* nginx 1.22's ALPN list after h2 (ngx_http_ssl_module.c). */
#define NGX_HTTP_CERTA_HTTP1_PROTOS "\x08http/1.1\x08http/1.0\x08http/0.9"

static int
ngx_http_certa_client_hello(ngx_ssl_conn_t *ssl_conn, int *alert, void *arg)
{
    if (ngx_http_certa_agent != NULL) {
        (void) certa_agent_record_client_hello(ngx_http_certa_agent, ssl_conn);
    }

    return SSL_CLIENT_HELLO_SUCCESS;
}


static int
ngx_http_certa_certificate(ngx_ssl_conn_t *ssl_conn, void *arg)
{
    ngx_http_certa_srv_conf_t  *conf = arg;
    ngx_connection_t           *c;
    int                         rc;

    if (ngx_http_certa_agent == NULL) {
        return 1;       /* the block's own ssl_certificate */
    }

    rc = certa_agent_select_certificate(ngx_http_certa_agent, ssl_conn,
                                        (const char *) conf->default_name.data);

    if (rc == CERTA_SELECT_REFUSED) {
        c = ngx_ssl_get_connection(ssl_conn);
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "certa: handshake refused (acme-tls/1 without a "
                      "pending challenge, or an unusable certificate)");
        return 0;
    }

    return 1;
}


static int
ngx_http_certa_alpn_select(ngx_ssl_conn_t *ssl_conn, const unsigned char **out,
    unsigned char *outlen, const unsigned char *in, unsigned int inlen,
    void *arg)
{
    unsigned char           *srv;
    unsigned int             srvlen;
#if (NGX_HTTP_V2)
    ngx_connection_t        *c;
    ngx_http_connection_t   *hc;
#endif

    if (ngx_http_certa_agent != NULL
        && certa_agent_select_alpn(ngx_http_certa_agent, ssl_conn, out, outlen,
                                   in, inlen) == 1)
    {
        return SSL_TLSEXT_ERR_OK;
    }

    srv = (unsigned char *) NGX_HTTP_CERTA_HTTP1_PROTOS;
    srvlen = sizeof(NGX_HTTP_CERTA_HTTP1_PROTOS) - 1;

#if (NGX_HTTP_V2)
    c = ngx_ssl_get_connection(ssl_conn);
    hc = c->data;

    if (hc->addr_conf->http2) {
        srv = (unsigned char *) NGX_HTTP_V2_ALPN_PROTO
                                NGX_HTTP_CERTA_HTTP1_PROTOS;
        srvlen = sizeof(NGX_HTTP_V2_ALPN_PROTO NGX_HTTP_CERTA_HTTP1_PROTOS) - 1;
    }
#endif

    if (SSL_select_next_proto((unsigned char **) out, outlen, srv, srvlen,
                              in, inlen)
        != OPENSSL_NPN_NEGOTIATED)
    {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }

    return SSL_TLSEXT_ERR_OK;
}


void
ngx_http_certa_install_callbacks(SSL_CTX *ctx, ngx_http_certa_srv_conf_t *conf)
{
    SSL_CTX_set_client_hello_cb(ctx, ngx_http_certa_client_hello, NULL);
    SSL_CTX_set_cert_cb(ctx, ngx_http_certa_certificate, conf);
    SSL_CTX_set_alpn_select_cb(ctx, ngx_http_certa_alpn_select, NULL);
    (void) certa_agent_attach_stapling(NULL, ctx);  /* OCSP: ssl_stapling must be off here */
}
