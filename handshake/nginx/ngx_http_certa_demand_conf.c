/* The certa_on_demand directive of ngx_http_certa_module: its parsing,
 * which ports get the on-demand wait (ngx_http_certa_demand.c), and which
 * server block's configuration applies to a name. */
#include "ngx_http_certa_module.h"


/* certa_on_demand PATH [wait=TIME] | off: PATH is `certa worker
 * --request-socket`; TIME (default 10s, at most 300s) bounds how long a
 * handshake for a new name waits for its certificate. */
char *
ngx_http_certa_on_demand(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_certa_srv_conf_t  *scf = conf;
    ngx_str_t                  *value, s;
    ngx_msec_t                  wait;

    if (scf->on_demand.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts > 2) {
            return "takes no parameter after \"off\"";
        }
        ngx_str_set(&scf->on_demand, "");
        return NGX_CONF_OK;
    }

    if (value[1].data[0] != '/' || value[1].len >= 108) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"certa_on_demand\" needs the absolute path of "
                           "certa worker's --request-socket (under 108 "
                           "bytes), not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    scf->on_demand = value[1];      /* NUL-terminated by the parser */

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "wait=", 5) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"certa_on_demand\": unknown parameter "
                               "\"%V\" (only wait=TIME)", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 5;
        s.len = value[2].len - 5;
        wait = ngx_parse_time(&s, 0);

        if (wait == (ngx_msec_t) NGX_ERROR || wait == 0 || wait > 300000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"certa_on_demand\": \"%V\" is not a time "
                               "between 1ms and 300s", &value[2]);
            return NGX_CONF_ERROR;
        }

        scf->on_demand_wait = wait;
    }

    return NGX_CONF_OK;
}


/* The ports (host order) of the addresses that serve a "certa on" block
 * with certa_on_demand: their connections get the on-demand wait. */
ngx_int_t
ngx_http_certa_on_demand_ports(ngx_conf_t *cf, ngx_http_core_main_conf_t *cmcf,
    ngx_http_certa_main_conf_t *mcf)
{
    ngx_uint_t                  p, a, s;
    in_port_t                  *port;
    ngx_http_conf_port_t       *ports;
    ngx_http_conf_addr_t       *addrs;
    ngx_http_core_srv_conf_t  **servers;
    ngx_http_certa_srv_conf_t  *conf;

    if (cmcf->ports == NULL) {
        return NGX_OK;
    }

    ports = cmcf->ports->elts;

    for (p = 0; p < cmcf->ports->nelts; p++) {
        addrs = ports[p].addrs.elts;

        for (a = 0; a < ports[p].addrs.nelts; a++) {
            servers = addrs[a].servers.elts;

            for (s = 0; s < addrs[a].servers.nelts; s++) {
                conf = servers[s]->ctx->srv_conf[ngx_http_certa_module.ctx_index];

                if (conf->enable && conf->on_demand.len != 0) {
                    goto found;
                }
            }
        }

        continue;

    found:

        if (mcf->on_demand_ports == NULL) {
            mcf->on_demand_ports = ngx_array_create(cf->pool, 2,
                                                    sizeof(in_port_t));
            if (mcf->on_demand_ports == NULL) {
                return NGX_ERROR;
            }
        }

        port = ngx_array_push(mcf->on_demand_ports);
        if (port == NULL) {
            return NGX_ERROR;
        }

        *port = ports[p].port;
    }

    return NGX_OK;
}


/* The server block nginx's servername callback would pick for `name`:
 * exact, wildcard, then regular-expression server_names, else the
 * address's default server (as ngx_http_find_virtual_server). */
ngx_http_certa_srv_conf_t *
ngx_http_certa_conf_for(ngx_http_connection_t *hc, u_char *name, size_t len)
{
    ngx_http_core_srv_conf_t  *cscf = NULL;
    ngx_http_virtual_names_t  *vn = hc->addr_conf->virtual_names;

    if (vn != NULL) {
        cscf = ngx_hash_find_combined(&vn->names, ngx_hash_key(name, len),
                                      name, len);
    }

#if (NGX_PCRE)
    if (cscf == NULL && vn != NULL && vn->nregex) {
        ngx_uint_t               i;
        ngx_str_t                host;
        ngx_http_server_name_t  *sn = vn->regex;

        host.data = name;
        host.len = len;

        for (i = 0; i < vn->nregex; i++) {
            if (ngx_regex_exec(sn[i].regex->regex, &host, NULL, 0) >= 0) {
                cscf = sn[i].server;
                break;
            }
        }
    }
#endif

    if (cscf == NULL) {
        cscf = hc->addr_conf->default_server;
    }

    return cscf->ctx->srv_conf[ngx_http_certa_module.ctx_index];
}
