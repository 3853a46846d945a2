/* ngx_http_certa_module: the directives (certa_store and certa_cache_size
 * in http{}, certa,
 * certa_default_name and certa_on_demand in server{}), the
 * configuration-time checks, and the per-worker agent.
 *
 * Process model: the master only checks (at "nginx -t", start and reload)
 * that the store can be read by the worker user and installs the SSL_CTX
 * callbacks; each worker opens its own agent (and its store-watcher thread)
 * in init_process, after nginx has dropped to that user, and closes it in
 * exit_process. A worker whose agent cannot open logs one line and serves
 * each block's own ssl_certificate: it never exits over the store. */
#include "ngx_http_certa_module.h"

#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>

certa_agent  *ngx_http_certa_agent;

static void *ngx_http_certa_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_certa_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_certa_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_certa_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_certa_init_process(ngx_cycle_t *cycle);
static void ngx_http_certa_exit_process(ngx_cycle_t *cycle);


/* certa_cache_size: 0 holds every certificate parsed; more than 10 million
 * is a typo (the agent's index itself holds about 66 bytes per name). The
 * message is nginx's "\"certa_cache_size\" directive ..." line. */
static char *
ngx_http_certa_check_cache_size(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *n = data;

    if (*n < 0 || *n > 10000000) {
        return "needs a count of certificates from 0 to 10000000";
    }

    return NGX_CONF_OK;
}

static ngx_conf_post_t  ngx_http_certa_cache_size_bounds = {
    ngx_http_certa_check_cache_size
};


static ngx_command_t  ngx_http_certa_commands[] = {

    { ngx_string("certa_store"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_certa_main_conf_t, store),
      NULL },

    { ngx_string("certa_cache_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_certa_main_conf_t, cache_size),
      &ngx_http_certa_cache_size_bounds },

    { ngx_string("certa"),
      NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_certa_srv_conf_t, enable),
      NULL },

    { ngx_string("certa_default_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_certa_srv_conf_t, default_name),
      NULL },

    { ngx_string("certa_on_demand"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE12,
      ngx_http_certa_on_demand,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_certa_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_certa_postconfiguration,      /* postconfiguration */
    ngx_http_certa_create_main_conf,       /* create main configuration */
    NULL,                                  /* init main configuration */
    ngx_http_certa_create_srv_conf,        /* create server configuration */
    ngx_http_certa_merge_srv_conf,         /* merge server configuration */
    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_certa_module = {
    NGX_MODULE_V1,
    &ngx_http_certa_module_ctx,            /* module context */
    ngx_http_certa_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_certa_init_process,           /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_certa_exit_process,           /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_certa_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_certa_main_conf_t  *mcf;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_certa_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    mcf->cache_size = NGX_CONF_UNSET;

    return mcf;
}


static void *
ngx_http_certa_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_certa_srv_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_certa_srv_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    conf->enable = NGX_CONF_UNSET;
    conf->on_demand_wait = NGX_CONF_UNSET_MSEC;

    return conf;
}


static char *
ngx_http_certa_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_certa_srv_conf_t  *prev = parent;
    ngx_http_certa_srv_conf_t  *conf = child;
    u_char                     *name;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->default_name, prev->default_name, "");
    ngx_conf_merge_str_value(conf->on_demand, prev->on_demand, "");
    ngx_conf_merge_msec_value(conf->on_demand_wait, prev->on_demand_wait,
                              10000);

    /* NUL-terminated copy for the C API */
    name = ngx_pnalloc(cf->pool, conf->default_name.len + 1);
    if (name == NULL) {
        return NGX_CONF_ERROR;
    }

    *ngx_cpymem(name, conf->default_name.data, conf->default_name.len) = '\0';
    conf->default_name.data = name;

    return NGX_CONF_OK;
}


/* The user and group the workers will run as: the "user" directive, else
 * nginx's default when the master is root (NGX_USER, NGX_GROUP), else the
 * master's own. */
static void
ngx_http_certa_worker_identity(ngx_conf_t *cf, long *uid, long *gid)
{
    ngx_core_conf_t  *ccf;
    struct passwd    *pw;
    struct group     *gr;

    ccf = (ngx_core_conf_t *) ngx_get_conf(cf->cycle->conf_ctx,
                                           ngx_core_module);

    *uid = (long) geteuid();
    *gid = (long) getegid();

    if (ccf->user != (ngx_uid_t) NGX_CONF_UNSET_UINT) {
        *uid = (long) ccf->user;
        *gid = (long) ccf->group;
        return;
    }

    if (geteuid() != 0) {
        return;
    }

    pw = getpwnam(NGX_USER);
    gr = getgrnam(NGX_GROUP);

    if (pw != NULL && gr != NULL) {
        *uid = (long) pw->pw_uid;
        *gid = (long) gr->gr_gid;
    }
}


/* For each "certa on" server block: refuses what cannot work, installs the
 * callbacks; then checks the store once, as the worker user would read it. */
static ngx_int_t
ngx_http_certa_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                   s;
    long                         uid, gid;
    size_t                       count;
    u_char                      *store;
    ngx_http_ssl_srv_conf_t     *sscf;
    ngx_http_core_srv_conf_t   **cscfp;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_certa_srv_conf_t   *conf;
    ngx_http_certa_main_conf_t  *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_certa_module);
    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        conf = cscfp[s]->ctx->srv_conf[ngx_http_certa_module.ctx_index];
        sscf = cscfp[s]->ctx->srv_conf[ngx_http_ssl_module.ctx_index];

        if (!conf->enable) {
            continue;
        }

        if (mcf->store.len == 0) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"certa on\" in %s:%ui needs \"certa_store\" "
                          "in the http{} block",
                          cscfp[s]->file_name, cscfp[s]->line);
            return NGX_ERROR;
        }

        if (sscf == NULL || sscf->ssl.ctx == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"certa on\" in %s:%ui needs TLS: \"listen ... "
                          "ssl\" and an \"ssl_certificate\" (served for names "
                          "the store does not hold)",
                          cscfp[s]->file_name, cscfp[s]->line);
            return NGX_ERROR;
        }

        if (sscf->certificate_values != NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"certa on\" in %s:%ui cannot be combined with "
                          "variables in \"ssl_certificate\": both choose the "
                          "certificate in OpenSSL's certificate callback",
                          cscfp[s]->file_name, cscfp[s]->line);
            return NGX_ERROR;
        }

        ngx_http_certa_install_callbacks(sscf->ssl.ctx, conf);
        mcf->used = 1;
    }

    if (ngx_http_certa_on_demand_ports(cf, cmcf, mcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (mcf->store.len == 0) {
        return NGX_OK;
    }

    /* "nginx -s stop|reload|..." parses the configuration too: it only signals */
    if (ngx_process == NGX_PROCESS_SIGNALLER) {
        return NGX_OK;
    }

    /* a relative path is relative to nginx's prefix (-p), as nginx's own */
    if (ngx_strncmp(mcf->store.data, "postgres", 8) != 0
        && ngx_conf_full_name(cf->cycle, &mcf->store, 0) != NGX_OK)
    {
        return NGX_ERROR;
    }

    store = ngx_pnalloc(cf->pool, mcf->store.len + 1);
    if (store == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_cpystrn(store, mcf->store.data, mcf->store.len + 1);
    mcf->store.data = store;

    ngx_http_certa_worker_identity(cf, &uid, &gid);

    if (certa_store_check((const char *) store, uid, gid, &count) != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "certa_store \"%s\": %s",
                      store, certa_last_error());
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_NOTICE, cf->log, 0,
                  "certa_store \"%s\": %uz certificates", store, count);

    return NGX_OK;
}


static ngx_int_t
ngx_http_certa_init_process(ngx_cycle_t *cycle)
{
    sigset_t                     all, old;
    ngx_http_certa_main_conf_t  *mcf;

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_certa_module);

    if (mcf == NULL || !mcf->used
        || (ngx_process != NGX_PROCESS_WORKER
            && ngx_process != NGX_PROCESS_SINGLE))
    {
        return NGX_OK;
    }

    /* the agent's threads take no signal: nginx's own thread does */
    sigfillset(&all);
    (void) pthread_sigmask(SIG_SETMASK, &all, &old);

    /* certa_cache_size unset: the agent's default (every certificate of a
     * store up to 100k held parsed) */
    ngx_http_certa_agent = certa_agent_open_cache((const char *) mcf->store.data,
                                                  NULL, CERTA_OPEN_READ_ONLY,
                                                  mcf->cache_size == NGX_CONF_UNSET
                                                  ? 100000
                                                  : (size_t) mcf->cache_size);

    (void) pthread_sigmask(SIG_SETMASK, &old, NULL);

    if (ngx_http_certa_agent == NULL) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "certa_store \"%s\": %s; this worker serves each "
                      "block's own ssl_certificate",
                      mcf->store.data, certa_last_error());
    }

    return ngx_http_certa_demand_init_process(cycle, mcf);
}


static void
ngx_http_certa_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_certa_demand_exit_process();
    certa_agent_close(ngx_http_certa_agent);
    ngx_http_certa_agent = NULL;
}
