/* On-demand issuance for ngx_http_certa_module (certa_on_demand): a
 * connection whose ClientHello names a host that the store has no valid
 * certificate for waits, bounded, while `certa worker --request-socket`
 * requests one, and only then starts its TLS handshake.
 *
 * nginx 1.22 cannot pause a handshake inside OpenSSL's callbacks (its
 * ngx_ssl_handshake treats SSL_ERROR_WANT_CLIENT_HELLO_CB as an error), so
 * the wait happens before TLS starts. In each worker, the listening sockets
 * of the ports that hold a certa_on_demand block get a connection handler
 * that runs nginx's own (ngx_http_init_connection) and then puts itself in
 * front of nginx's TLS read handler:
 *   1. peek (MSG_PEEK: TLS reads the bytes again) until the ClientHello is
 *      complete, under nginx's client_header_timeout; parse it with
 *      certa_peek_sni();
 *   2. a host name whose server block has certa_on_demand, that is a DNS
 *      name, offers no acme-tls/1 and has no valid certificate in the agent:
 *      send "NAME CLIENT\n" to the worker's socket (non-blocking);
 *   3. every tick, read the worker's answer ("wait", "deny", "serve") and
 *      re-check the agent; hand over at once on "deny"/"serve", on a
 *      certificate, on no answer within a second, and at the wait bound;
 *      while "wait", ask again every 500 ms (a later refusal ends the wait).
 * Handing over restores nginx's handler and calls it: the handshake then
 * proceeds exactly as without this module's wait. Nothing here blocks the
 * event loop: the waits are timers on the connection's read event. Other
 * connections (and every name the agent holds: one peek) go on meanwhile.
 *
 * The server block for a name is found as nginx's servername callback finds
 * it (ngx_http_certa_conf_for). Behind "listen ... proxy_protocol" nothing
 * waits. */
#include "ngx_http_certa_module.h"

#include <sys/socket.h>

#define NGX_HTTP_CERTA_TICK         50     /* ms between checks while waiting */
#define NGX_HTTP_CERTA_ANSWER_TICK  2      /* ms between looks for the answer */
#define NGX_HTTP_CERTA_ANSWER_BOUND 1000   /* ms the worker may take to answer */
#define NGX_HTTP_CERTA_REASK        500    /* ms between asks while "wait" */

typedef struct {
    ngx_event_handler_pt        handler;   /* nginx's (ngx_http_ssl_handshake) */
    ngx_http_certa_srv_conf_t  *conf;
    ngx_msec_t                  started;
    ngx_msec_t                  asked;     /* when the last ask was sent */
    ngx_socket_t                fd;        /* to the worker; -1 once answered */
    unsigned                    waiting:1; /* past the peek: ticking */
    u_char                      name[256];
} ngx_http_certa_demand_t;

/* This worker's waiting connections, by index in cycle->connections. */
static ngx_http_certa_demand_t  **ngx_http_certa_demands;
static ngx_uint_t                 ngx_http_certa_ndemands;

/* One ClientHello at a time (a worker is one thread). */
static u_char  ngx_http_certa_peek_buf[CERTA_PEEK_MAX_BYTES];

static void ngx_http_certa_demand_handler(ngx_event_t *rev);


static ngx_http_certa_demand_t **
ngx_http_certa_slot(ngx_connection_t *c)
{
    ngx_uint_t  i = c - ngx_cycle->connections;

    return i < ngx_http_certa_ndemands ? &ngx_http_certa_demands[i] : NULL;
}


static void
ngx_http_certa_close_worker_fd(ngx_http_certa_demand_t *d)
{
    if (d->fd != (ngx_socket_t) -1) {
        (void) ngx_close_socket(d->fd);
        d->fd = (ngx_socket_t) -1;
    }
}


/* The connection is gone (its pool is destroyed) while it waited. */
static void
ngx_http_certa_demand_cleanup(void *data)
{
    ngx_connection_t          *c = data;
    ngx_http_certa_demand_t  **slot = ngx_http_certa_slot(c);

    if (slot != NULL && *slot != NULL) {
        ngx_http_certa_close_worker_fd(*slot);
        *slot = NULL;
    }
}


/* Gives the connection back to nginx's handler, which starts TLS. */
static void
ngx_http_certa_hand_over(ngx_event_t *rev, ngx_http_certa_demand_t *d)
{
    ngx_connection_t          *c = rev->data;
    ngx_http_certa_demand_t  **slot = ngx_http_certa_slot(c);

    ngx_http_certa_close_worker_fd(d);
    *slot = NULL;

    if (d->waiting) {
        /* our tick, not nginx's client_header_timeout: nginx re-arms its own */
        if (rev->timer_set) {
            ngx_del_timer(rev);
        }
        rev->timedout = 0;
        rev->ready = 1;
    }

    rev->handler = d->handler;
    rev->handler(rev);
}


/* Step 2, for a complete ClientHello naming d->name: 1 when the connection
 * waits now. */
static ngx_int_t
ngx_http_certa_start_wait(ngx_event_t *rev, ngx_http_certa_demand_t *d)
{
    ngx_connection_t  *c = rev->data;
    u_char            *p;
    size_t             len;

    /* what nginx compares with server_name: lowercase, no trailing dot;
     * anything outside a host name (spaces, controls) ends it here */
    for (p = d->name; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f) {
            return 0;
        }
        *p = ngx_tolower(*p);
    }

    len = p - d->name;
    if (len > 0 && d->name[len - 1] == '.') {
        d->name[--len] = '\0';
    }

    d->conf = ngx_http_certa_conf_for(c->data, d->name, len);

    if (!d->conf->enable || d->conf->on_demand.len == 0
        || certa_agent_has_name(ngx_http_certa_agent, (char *) d->name)
           != CERTA_NAME_MISSING)
    {
        return 0;
    }

    d->fd = ngx_http_certa_worker_ask(c, &d->conf->on_demand, d->name);
    if (d->fd == (ngx_socket_t) -1) {
        return 0;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "certa_on_demand: asked for \"%s\"", d->name);

    d->waiting = 1;
    d->started = ngx_current_msec;
    d->asked = d->started;
    ngx_add_timer(rev, NGX_HTTP_CERTA_ANSWER_TICK);

    return 1;
}


/* Step 3, every tick: 1 while the connection should go on waiting. While
 * the answer is "wait", the worker is asked again every 500 ms, so that a
 * refusal that comes later (an --ask check, a failed issuance) ends the
 * wait early; a name pending there costs no second request. */
static ngx_int_t
ngx_http_certa_keep_waiting(ngx_connection_t *c, ngx_http_certa_demand_t *d)
{
    ngx_msec_t  waited = ngx_current_msec - d->started;

    if (d->fd == (ngx_socket_t) -1
        && ngx_current_msec - d->asked >= NGX_HTTP_CERTA_REASK)
    {
        d->fd = ngx_http_certa_worker_ask(c, &d->conf->on_demand, d->name);
        d->asked = ngx_current_msec;
    }

    if (d->fd != (ngx_socket_t) -1) {
        switch (ngx_http_certa_worker_answer(d->fd)) {

        case NGX_HTTP_CERTA_ANSWER_AGAIN:
            if (ngx_current_msec - d->asked >= NGX_HTTP_CERTA_ANSWER_BOUND) {
                ngx_log_error(NGX_LOG_WARN, c->log, 0,
                              "certa_on_demand: \"%V\" did not answer for "
                              "\"%s\"", &d->conf->on_demand, d->name);
                return 0;
            }
            break;

        case NGX_HTTP_CERTA_ANSWER_WAIT:
            ngx_http_certa_close_worker_fd(d);
            break;

        default:
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                           "certa_on_demand: no wait for \"%s\"", d->name);
            return 0;
        }
    }

    if (certa_agent_has_name(ngx_http_certa_agent, (char *) d->name)
        == CERTA_NAME_SERVED)
    {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "certa_on_demand: \"%s\" issued after %M ms",
                      d->name, waited);
        return 0;
    }

    if (waited >= d->conf->on_demand_wait) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "certa_on_demand: no certificate for \"%s\" after %M ms",
                      d->name, waited);
        return 0;
    }

    return 1;
}


static void
ngx_http_certa_demand_handler(ngx_event_t *rev)
{
    ngx_connection_t          *c = rev->data;
    ngx_http_certa_demand_t  **slot = ngx_http_certa_slot(c), *d;
    ssize_t                    n;
    int                        rc;
    u_char                     byte;

    d = *slot;

    if (c->close || ngx_http_certa_agent == NULL) {
        ngx_http_certa_hand_over(rev, d);
        return;
    }

    if (d->waiting) {
        if (!rev->timedout) {
            /* the client sent more, or left */
            n = recv(c->fd, &byte, 1, MSG_PEEK);
            if (n == 0 || (n == -1 && ngx_socket_errno != NGX_EAGAIN)) {
                ngx_http_certa_close_worker_fd(d);
                *slot = NULL;
                ngx_http_close_connection(c);
            }
            return;
        }

        rev->timedout = 0;

        if (ngx_http_certa_keep_waiting(c, d)) {
            ngx_add_timer(rev, d->fd != (ngx_socket_t) -1
                               ? NGX_HTTP_CERTA_ANSWER_TICK
                               : NGX_HTTP_CERTA_TICK);
            return;
        }

        ngx_http_certa_hand_over(rev, d);
        return;
    }

    if (rev->timedout) {
        ngx_http_certa_hand_over(rev, d);   /* nginx closes it */
        return;
    }

    n = recv(c->fd, ngx_http_certa_peek_buf, sizeof(ngx_http_certa_peek_buf),
             MSG_PEEK);

    if (n == -1 && ngx_socket_errno == NGX_EAGAIN) {
        rev->ready = 0;
        if (ngx_handle_read_event(rev, 0) != NGX_OK) {
            ngx_http_certa_hand_over(rev, d);
        }
        return;
    }

    rc = n > 0 ? certa_peek_sni(ngx_http_certa_peek_buf, n, (char *) d->name,
                                sizeof(d->name))
               : CERTA_PEEK_NONE;

    if (rc == CERTA_PEEK_MORE && n < (ssize_t) sizeof(ngx_http_certa_peek_buf)) {
        rev->ready = 0;     /* the next segment wakes us */
        if (ngx_handle_read_event(rev, 0) != NGX_OK) {
            ngx_http_certa_hand_over(rev, d);
        }
        return;
    }

    if (rc == CERTA_PEEK_NAME && ngx_http_certa_start_wait(rev, d)) {
        return;
    }

    ngx_http_certa_hand_over(rev, d);
}


/* The listening sockets' handler on ports with certa_on_demand. */
static void
ngx_http_certa_init_connection(ngx_connection_t *c)
{
    ngx_http_connection_t     *hc;
    ngx_http_certa_demand_t   *d, **slot;
    ngx_pool_cleanup_t        *cln;

    ngx_http_init_connection(c);

    /* closed, already in TLS (deferred accept), or not a TLS connection */
    if (c->destroyed || c->ssl != NULL || ngx_http_certa_agent == NULL) {
        return;
    }

    hc = c->data;
    slot = ngx_http_certa_slot(c);

    if (!hc->ssl || hc->proxy_protocol || slot == NULL) {
        return;
    }

    d = ngx_pcalloc(c->pool, sizeof(ngx_http_certa_demand_t));
    cln = ngx_pool_cleanup_add(c->pool, 0);
    if (d == NULL || cln == NULL) {
        return;
    }

    d->fd = (ngx_socket_t) -1;
    d->handler = c->read->handler;
    cln->handler = ngx_http_certa_demand_cleanup;
    cln->data = c;
    *slot = d;
    c->read->handler = ngx_http_certa_demand_handler;
}


ngx_int_t
ngx_http_certa_demand_init_process(ngx_cycle_t *cycle,
    ngx_http_certa_main_conf_t *mcf)
{
    ngx_uint_t        i, j;
    in_port_t         port, *ports;
    ngx_listening_t  *ls;

    if (mcf->on_demand_ports == NULL || mcf->on_demand_ports->nelts == 0) {
        return NGX_OK;
    }

    /* a waiting connection leaves its ClientHello unread: only an
     * edge-triggered event method (epoll, kqueue) stays quiet meanwhile */
    if (!(ngx_event_flags & NGX_USE_CLEAR_EVENT)) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "certa_on_demand needs the epoll or kqueue event "
                      "method; handshakes do not wait for new names");
        return NGX_OK;
    }

    ngx_http_certa_demands = ngx_calloc(cycle->connection_n * sizeof(void *),
                                        cycle->log);
    if (ngx_http_certa_demands == NULL) {
        return NGX_ERROR;
    }

    ngx_http_certa_ndemands = cycle->connection_n;
    ports = mcf->on_demand_ports->elts;
    ls = cycle->listening.elts;

    for (i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].handler != ngx_http_init_connection) {
            continue;
        }

        port = ngx_inet_get_port(ls[i].sockaddr);

        for (j = 0; j < mcf->on_demand_ports->nelts; j++) {
            if (ports[j] == port) {
                ls[i].handler = ngx_http_certa_init_connection;
                break;
            }
        }
    }

    return NGX_OK;
}


void
ngx_http_certa_demand_exit_process(void)
{
    ngx_free(ngx_http_certa_demands);
    ngx_http_certa_demands = NULL;
    ngx_http_certa_ndemands = 0;
}
