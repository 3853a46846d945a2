/* ngx_http_certa_module's side of the request socket of `certa worker
 * --request-socket` (certa-worker(8)): one request line, one answer line
 * ("wait", "deny" or "serve"), on a connection of its own per waiting
 * handshake. Nothing here blocks: the socket is non-blocking, a local
 * stream socket connects at once or fails, and the answer is read by the
 * caller's timer. */
#include "ngx_http_certa_module.h"

#include <sys/socket.h>
#include <sys/un.h>


ngx_socket_t
ngx_http_certa_worker_ask(ngx_connection_t *c, ngx_str_t *path, u_char *name)
{
    struct sockaddr_un  sun;
    ngx_socket_t        fd;
    u_char              line[512], *p;
    size_t              plen = path->len;

    if (plen >= sizeof(sun.sun_path)) {
        return (ngx_socket_t) -1;
    }

    p = ngx_snprintf(line, sizeof(line) - 1, "%s", name);

    if (c->sockaddr->sa_family == AF_INET
#if (NGX_HAVE_INET6)
        || c->sockaddr->sa_family == AF_INET6
#endif
       )
    {
        p = ngx_snprintf(p, line + sizeof(line) - 1 - p, " %V", &c->addr_text);
    }

    *p++ = '\n';

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == (ngx_socket_t) -1) {
        return fd;
    }

    ngx_memzero(&sun, sizeof(sun));
    sun.sun_family = AF_UNIX;
    ngx_memcpy(sun.sun_path, path->data, plen);

    /* a local stream socket connects at once, or fails (EAGAIN: backlog full) */
    if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) != 0
        || send(fd, line, p - line, MSG_NOSIGNAL) != p - line)
    {
        ngx_log_error(NGX_LOG_WARN, c->log, ngx_socket_errno,
                      "certa_on_demand: cannot reach \"%V\"",
                      path);
        (void) ngx_close_socket(fd);
        return (ngx_socket_t) -1;
    }

    return fd;
}


ngx_int_t
ngx_http_certa_worker_answer(ngx_socket_t fd)
{
    u_char   answer[16];
    ssize_t  n;

    n = recv(fd, answer, sizeof(answer), MSG_DONTWAIT);

    if (n == -1 && ngx_socket_errno == NGX_EAGAIN) {
        return NGX_HTTP_CERTA_ANSWER_AGAIN;
    }

    if (n >= 5 && ngx_strncmp(answer, "wait\n", 5) == 0) {
        return NGX_HTTP_CERTA_ANSWER_WAIT;
    }

    return NGX_HTTP_CERTA_ANSWER_GO_ON;    /* "deny", "serve", or gone */
}
