/* ngx_http_certa_module: nginx serves certificates from a certa store through
 * the handshake agent's C API (certa_handshake.h). Declarations shared by the
 * configuration part (ngx_http_certa_module.c) and the OpenSSL callbacks
 * (ngx_http_certa_ssl.c). See certa-nginx(8). */
#ifndef NGX_HTTP_CERTA_MODULE_H
#define NGX_HTTP_CERTA_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <certa_handshake.h>

typedef struct {
    ngx_str_t   store;          /* certa_store: path or postgresql:// URL */
    ngx_uint_t  used;           /* some server{} has "certa on" */
} ngx_http_certa_main_conf_t;

typedef struct {
    ngx_flag_t  enable;         /* certa on|off */
    ngx_str_t   default_name;   /* certa_default_name, NUL-terminated ("" none) */
} ngx_http_certa_srv_conf_t;

extern ngx_module_t  ngx_http_certa_module;

/* This worker's agent; NULL in the master and when the store could not be
 * opened (every certa block then serves its own ssl_certificate). */
extern certa_agent  *ngx_http_certa_agent;

/* Installs the ClientHello, certificate and ALPN callbacks into ctx (the
 * SSL_CTX of one "certa on" server block). */
void ngx_http_certa_install_callbacks(SSL_CTX *ctx, ngx_http_certa_srv_conf_t *conf);

#endif /* NGX_HTTP_CERTA_MODULE_H */
