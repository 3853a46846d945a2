#include "HttpUpstream.hpp"

#include <doctest/doctest.h>
#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace certa::test {

namespace {

MHD_Result answer(void* cls, MHD_Connection* connection, const char*, const char*, const char*, const char*,
                  size_t* upload_size, void** state) {
    auto* self = static_cast<HttpUpstream*>(cls);
    if (*state == nullptr) {  // first call: headers only
        *state = self;
        return MHD_YES;
    }
    *upload_size = 0;
    self->count();
    std::unique_ptr<MHD_Response, decltype(&MHD_destroy_response)> response(
        MHD_create_response_from_buffer(self->body().size(), const_cast<char*>(self->body().data()),
                                        MHD_RESPMEM_PERSISTENT),
        &MHD_destroy_response);
    MHD_add_response_header(response.get(), "Connection", "close");
    return MHD_queue_response(connection, MHD_HTTP_OK, response.get());
}

}  // namespace

void HttpUpstream::Stop::operator()(MHD_Daemon* d) const { MHD_stop_daemon(d); }

HttpUpstream::HttpUpstream(std::string body) : body_(std::move(body)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_.reset(MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, nullptr, nullptr, &answer, this,
                                   MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                   MHD_OPTION_END));
    REQUIRE_MESSAGE(daemon_, "cannot start the test upstream");
    const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_.get(), MHD_DAEMON_INFO_BIND_PORT);
    REQUIRE(info);
    port_ = info->port;
}

HttpUpstream::~HttpUpstream() = default;

}  // namespace certa::test
