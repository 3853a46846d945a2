#include "cli/TemporaryTlsResponder.hpp"

#include "handshake/agent/Agent.hpp"
#include "handshake/serve/ServeDaemon.hpp"

#include <spdlog/spdlog.h>

namespace certa::cli {
namespace {

class RefreshingSolver : public acme::ChallengeSolver {
public:
    RefreshingSolver(std::unique_ptr<acme::ChallengeSolver> inner, handshake::Agent& agent)
        : inner_(std::move(inner)), agent_(agent) {}
    const char* type() const override { return inner_->type(); }
    void present(const acme::Identifier& id, const std::string& token, const std::string& keyauth) override {
        inner_->present(id, token, keyauth);
        agent_.refresh();  // serve it before the CA is told to validate
    }
    void cleanup(const acme::Identifier& id, const std::string& token, const std::string& keyauth) noexcept override {
        inner_->cleanup(id, token, keyauth);
    }

private:
    std::unique_ptr<acme::ChallengeSolver> inner_;
    handshake::Agent& agent_;
};

}  // namespace

TemporaryTlsResponder::TemporaryTlsResponder(const std::string& store_location, const std::string& address,
                                             std::uint16_t port) {
    auto agent = handshake::Agent::open(store_location);
    agent_ = agent.get();
    handshake::ServeOptions options;
    options.listen = {handshake::HostPort{address, port}};
    options.mode = handshake::ForwardMode::ChallengesOnly;
    options.shutdown_grace = std::chrono::milliseconds(1000);
    daemon_ = std::make_unique<handshake::ServeDaemon>(std::move(options), std::move(agent));
    spdlog::info("tls-alpn-01 responder listening on {}", daemon_->local_addresses().front().to_string());
    thread_ = std::thread([this] { daemon_->run(); });
}

TemporaryTlsResponder::~TemporaryTlsResponder() {
    daemon_->request_stop();
    if (thread_.joinable()) thread_.join();
}

std::unique_ptr<acme::ChallengeSolver> TemporaryTlsResponder::wrap(std::unique_ptr<acme::ChallengeSolver> inner) {
    return std::make_unique<RefreshingSolver>(std::move(inner), *agent_);
}

}  // namespace certa::cli
