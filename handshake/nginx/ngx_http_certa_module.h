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
    ngx_int_t   cache_size;     /* certa_cache_size: certificates held parsed per worker */
    ngx_array_t *on_demand_ports; /* in_port_t: ports with certa_on_demand */
} ngx_http_certa_main_conf_t;

typedef struct {
    ngx_flag_t  enable;         /* certa on|off */
    ngx_str_t   default_name;   /* certa_default_name, NUL-terminated ("" none) */
    ngx_str_t   on_demand;      /* certa_on_demand: the worker's socket ("" off) */
    ngx_msec_t  on_demand_wait; /* certa_on_demand ... wait=TIME */
} ngx_http_certa_srv_conf_t;

extern ngx_module_t  ngx_http_certa_module;

/* This worker's agent; NULL in the master and when the store could not be
 * opened (every certa block then serves its own ssl_certificate). */
extern certa_agent  *ngx_http_certa_agent;

/* Installs the ClientHello, certificate and ALPN callbacks into ctx (the
 * SSL_CTX of one "certa on" server block). */
void ngx_http_certa_install_callbacks(SSL_CTX *ctx, ngx_http_certa_srv_conf_t *conf);

/* certa_on_demand PATH [wait=TIME] | off (ngx_http_certa_demand_conf.c). */
char *ngx_http_certa_on_demand(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* Records in mcf->on_demand_ports the ports (host order) of the addresses
 * that serve a "certa on" block with certa_on_demand (postconfiguration). */
ngx_int_t ngx_http_certa_on_demand_ports(ngx_conf_t *cf,
    ngx_http_core_main_conf_t *cmcf, ngx_http_certa_main_conf_t *mcf);

/* The certa configuration of the server block that nginx's servername
 * callback picks for `name` (lowercase, no trailing dot) on this connection. */
ngx_http_certa_srv_conf_t *ngx_http_certa_conf_for(ngx_http_connection_t *hc,
    u_char *name, size_t len);

/* The exchange with `certa worker --request-socket`
 * (ngx_http_certa_worker_socket.c). */
#define NGX_HTTP_CERTA_ANSWER_AGAIN  0   /* no answer yet */
#define NGX_HTTP_CERTA_ANSWER_WAIT   1   /* requested: wait for the certificate */
#define NGX_HTTP_CERTA_ANSWER_GO_ON  2   /* deny, serve, or the worker is gone */

/* Sends "NAME[ CLIENT]\n" on a new non-blocking connection to the socket
 * `path`; its descriptor, or -1 (logged) when the worker cannot be reached. */
ngx_socket_t ngx_http_certa_worker_ask(ngx_connection_t *c, ngx_str_t *path,
    u_char *name);

/* Reads the answer on fd without blocking: NGX_HTTP_CERTA_ANSWER_*. */
ngx_int_t ngx_http_certa_worker_answer(ngx_socket_t fd);

/* certa_on_demand (ngx_http_certa_demand.c): in a worker, puts the on-demand
 * wait in front of the TLS handshake on the ports of mcf->on_demand_ports. */
ngx_int_t ngx_http_certa_demand_init_process(ngx_cycle_t *cycle,
    ngx_http_certa_main_conf_t *mcf);
void ngx_http_certa_demand_exit_process(void);

#endif /* NGX_HTTP_CERTA_MODULE_H */
