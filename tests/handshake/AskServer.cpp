#include "AskServer.hpp"

#include <doctest/doctest.h>
#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace certa::test {

namespace {

MHD_Result on_request(void* cls, MHD_Connection* connection, const char*, const char*, const char*, const char*,
                      size_t* upload_size, void** state) {
    auto* self = static_cast<AskServer*>(cls);
    if (*state == nullptr) {  // first call: headers only
        *state = self;
        return MHD_YES;
    }
    *upload_size = 0;
    const char* domain = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "domain");
    const int status = self->answer(domain ? domain : "");
    static const char kBody[] = "";
    std::unique_ptr<MHD_Response, decltype(&MHD_destroy_response)> response(
        MHD_create_response_from_buffer(0, const_cast<char*>(kBody), MHD_RESPMEM_PERSISTENT), &MHD_destroy_response);
    return MHD_queue_response(connection, static_cast<unsigned>(status), response.get());
}

}  // namespace

void AskServer::Stop::operator()(MHD_Daemon* d) const { MHD_stop_daemon(d); }

AskServer::AskServer(std::set<std::string> allowed) : allowed_(std::move(allowed)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_.reset(MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, nullptr, nullptr, &on_request, this,
                                   MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END));
    REQUIRE_MESSAGE(daemon_, "cannot start the ask server");
    const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_.get(), MHD_DAEMON_INFO_BIND_PORT);
    REQUIRE(info);
    port_ = info->port;
}

AskServer::~AskServer() = default;

int AskServer::answer(const std::string& domain) {
    std::lock_guard lock(mutex_);
    ++asked_[domain];
    return allowed_.count(domain) ? MHD_HTTP_OK : MHD_HTTP_FORBIDDEN;
}

int AskServer::asked(const std::string& domain) const {
    std::lock_guard lock(mutex_);
    auto it = asked_.find(domain);
    return it == asked_.end() ? 0 : it->second;
}

int AskServer::asked_total() const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [name, count] : asked_) n += count;
    return n;
}

void AskServer::stop() { daemon_.reset(); }

}  // namespace certa::test
