// ConnectionAddress: the local address attached to an SSL for SNI-less
// clients is the SSL's own copy (issue #21, item 8: certa serve's TlsSession
// kept the string the SSL pointed at, which dangled once the relay took the
// stream). Run under ASan, a dangling or leaked copy shows here.
#include "handshake/agent/ConnectionAddress.hpp"

#include "TlsTestPeer.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certa;
using certa::handshake::connection_local_ip;
using certa::handshake::set_connection_local_ip;

TEST_CASE("the SSL keeps its own copy of the address: the caller's string may go") {
    auto ctx = test::make_server_ctx();
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    REQUIRE(ssl);
    CHECK(connection_local_ip(ssl.get()) == nullptr);
    {
        std::string address = "192.0.2.7";
        set_connection_local_ip(ssl.get(), address);
        address.assign(64, 'x');  // the caller's string changes, then goes
    }
    REQUIRE(connection_local_ip(ssl.get()) != nullptr);
    CHECK(*connection_local_ip(ssl.get()) == "192.0.2.7");
    set_connection_local_ip(ssl.get(), "2001:db8::1");  // replaces (and frees) the first
    CHECK(*connection_local_ip(ssl.get()) == "2001:db8::1");
}

TEST_CASE("SSL_dup copies the address; each SSL frees its own") {
    auto ctx = test::make_server_ctx();
    ossl::SslPtr original(SSL_new(ctx.get()));
    REQUIRE(original);
    set_connection_local_ip(original.get(), "198.51.100.2");
    ossl::SslPtr copy(SSL_dup(original.get()));
    REQUIRE(copy);
    REQUIRE(connection_local_ip(copy.get()) != nullptr);
    CHECK(connection_local_ip(copy.get()) != connection_local_ip(original.get()));
    original.reset();
    CHECK(*connection_local_ip(copy.get()) == "198.51.100.2");
}
