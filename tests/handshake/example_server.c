/* A minimal HTTPS server in C that gets its certificates from certa through
 * the C API (certa_handshake.h). It shows the whole integration: create an
 * SSL_CTX without any certificate, attach the agent, serve.
 *
 *   example_server STORE [PORT [DEFAULT_NAME [CACHE_SIZE]]]
 *
 * With CACHE_SIZE, at most that many certificates are held parsed
 * (certa_agent_open_cache), and the number held is printed to stderr
 * ("parsed N") after each connection. The agent is then opened with
 * CERTA_OPEN_PAUSE_ON_MISS: a handshake for a certificate not held pauses
 * ("paused" on stderr) while the agent loads it, and goes on once
 * certa_agent_when_loaded() says so through a pipe, as an event loop would.
 * Listens on 127.0.0.1:PORT (0: any free port), prints "listening on PORT",
 * answers each HTTPS request with a fixed body, and closes connections that
 * negotiated acme-tls/1 right after the handshake (RFC 8737 §3). Serves one
 * connection at a time; exits on SIGTERM/SIGINT. */
#include "certa_handshake.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static const char body[] = "hello from certa example\n";

/* Written by certa_agent_when_loaded()'s callback (a loader thread) when a
 * paused handshake's certificate has loaded; serve() waits on it. */
static int wake_pipe[2] = {-1, -1};

static void on_loaded(void *arg) {
    (void)arg;
    const char byte = 1;
    if (write(wake_pipe[1], &byte, 1) != 1) {
        /* serve() gives up at its poll timeout */
    }
}

/* SSL_accept, resuming once after a pause for the agent's load (bounded). */
static int accept_tls(SSL *ssl) {
    int rc = SSL_accept(ssl);
    if (rc == 1 || SSL_get_error(ssl, rc) != SSL_ERROR_WANT_CLIENT_HELLO_CB) return rc;
    fprintf(stderr, "paused\n");
    fflush(stderr);
    struct pollfd wake = {wake_pipe[0], POLLIN, 0};
    char byte;
    if (certa_agent_when_loaded(ssl, on_loaded, NULL) != 0 || poll(&wake, 1, 5000) != 1 ||
        read(wake_pipe[0], &byte, 1) != 1)
        return -1;
    return SSL_accept(ssl); /* a connection pauses at most once */
}

static void serve(SSL_CTX *ctx, int fd) {
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL *ssl = SSL_new(ctx);
    if (!ssl) return;
    SSL_set_fd(ssl, fd);
    if (accept_tls(ssl) == 1) {
        const unsigned char *alpn = NULL;
        unsigned int alpn_len = 0;
        SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
        if (!(alpn_len == 10 && memcmp(alpn, "acme-tls/1", 10) == 0)) {
            char request[4096];
            /* One read is enough for the test clients' small requests. */
            if (SSL_read(ssl, request, sizeof request) > 0) {
                char response[256];
                int n = snprintf(response, sizeof response,
                                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                 strlen(body), body);
                SSL_write(ssl, response, n);
            }
        }
        SSL_shutdown(ssl);
    }
    ERR_clear_error();
    SSL_free(ssl);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: example_server STORE [PORT [DEFAULT_NAME [CACHE_SIZE]]]\n");
        return 2;
    }
    int port = argc > 2 ? atoi(argv[2]) : 0;
    const char *default_name = argc > 3 ? argv[3] : NULL;
    const int bounded = argc > 4;

    if (pipe(wake_pipe) != 0) {
        fprintf(stderr, "example_server: pipe: %s\n", strerror(errno));
        return 1;
    }
    certa_agent *agent = bounded ? certa_agent_open_cache(argv[1], default_name, CERTA_OPEN_PAUSE_ON_MISS,
                                                          strtoul(argv[4], NULL, 10))
                                 : certa_agent_open(argv[1], default_name);
    if (!agent) {
        fprintf(stderr, "example_server: %s\n", certa_last_error());
        return 1;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || certa_agent_attach(agent, ctx) != 0) {
        fprintf(stderr, "example_server: cannot set up TLS: %s\n", certa_last_error());
        SSL_CTX_free(ctx);
        certa_agent_close(agent);
        return 1;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(listener, 16) != 0 || getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
        fprintf(stderr, "example_server: cannot listen: %s\n", strerror(errno));
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: accept() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    printf("listening on %d\n", ntohs(addr.sin_port));
    fflush(stdout);
    while (!stop_requested) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        serve(ctx, fd);
        close(fd);
        if (bounded) {
            fprintf(stderr, "parsed %zu\n", certa_agent_parsed_count(agent));
            fflush(stderr);
        }
    }
    close(listener);
    SSL_CTX_free(ctx);
    certa_agent_close(agent);
    return 0;
}
