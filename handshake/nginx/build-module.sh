#!/bin/bash
# Builds ngx_http_certa_module.so for the system's nginx (Debian's nginx-dev):
# the configure tree /usr/share/nginx/src is copied once into WORK, configured
# once with Debian's own flags (conf_flags, --with-compat) plus this module,
# and `make modules` then recompiles only what changed.
#
# usage: build-module.sh OUTPUT.so NGINX_SRC WORK MODULE_DIR INCLUDE_DIR LIB_DIR [RPATH]
set -eu
out=$1 src=$2 work=$3 module=$4 incdir=$5 libdir=$6 rpath=${7:-}

tree="$work/nginx-src"
if [ ! -f "$tree/.certa-copied" ]; then
    rm -rf "$tree"
    mkdir -p "$tree"
    cp -a "$src/." "$tree/"
    touch "$tree/.certa-copied"
fi

CERTA_NGX_INCS="$incdir"
CERTA_NGX_LIBS="-L$libdir -lcerta_handshake${rpath:+ -Wl,-rpath,$rpath}"
export CERTA_NGX_INCS CERTA_NGX_LIBS
stamp="$tree/.certa-configured"
wanted="$module|$incdir|$libdir|$rpath|$(cksum < "$module/config")"
if [ ! -f "$tree/objs/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    (
        cd "$tree"
        . ./conf_flags
        ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$module" > configure.log 2>&1 ||
            { cat configure.log >&2; exit 1; }
    )
    printf '%s' "$wanted" > "$stamp"
fi
make -s -C "$tree" -f objs/Makefile modules > "$tree/make.log" 2>&1 || { cat "$tree/make.log" >&2; exit 1; }
cp "$tree/objs/ngx_http_certa_module.so" "$out"
