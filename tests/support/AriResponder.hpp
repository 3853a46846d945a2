// A real HTTPS front for Pebble 2.4.0 (which has no RFC 9773 endpoint) used by
// the renewal tests. libmicrohttpd with TLS on 127.0.0.1 and a free port:
//   - every ACME request is forwarded to Pebble unchanged, keeping the Host
//     header, so Pebble builds its URLs (and checks JWS "url") for the front;
//   - GET /dir gets a "renewalInfo" member pointing at the front;
//   - GET /renewal-info/{certID} answers the suggestedWindow the test set,
//     with Retry-After, and counts the requests;
//   - the payload of every newOrder (POST /order-plz) is decoded and its
//     "replaces" member recorded (or the order refused with a problem the
//     test chose);
//   - while set_unavailable(true), every request gets 503 Service Unavailable
//     (HTML, Retry-After one hour), as from a load balancer with the CA down.
#pragma once

#include "PebbleHarness.hpp"
#include "TempDir.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct MHD_Daemon;

namespace certa::test {

class AriResponder {
public:
    explicit AriResponder(const PebbleHarness& pebble);
    ~AriResponder();
    AriResponder(const AriResponder&) = delete;
    AriResponder& operator=(const AriResponder&) = delete;

    std::string directory_url() const;   // https://127.0.0.1:PORT/dir
    std::string ca_bundle_path() const;  // trust anchor for the front's HTTPS
    int port() const { return port_; }

    // The window every certID gets (Unix seconds); no window: 404.
    void set_window(std::int64_t start, std::int64_t end, std::optional<int> retry_after_s);
    void clear_window();
    // GET /renewal-info/... answered so far (all certIDs, or one).
    int renewal_info_requests() const;
    int renewal_info_requests(const std::string& cert_id) const;
    // Authorizations (POST /authZ/...) name `to` where Pebble said `from`
    // (a CA that answers for a name nobody ordered).
    void rewrite_authorization_identifier(const std::string& from, const std::string& to);
    // GET /dir names this resource (e.g. "newAccount") with an http:// URL.
    void downgrade_directory_entry(const std::string& name);
    // The next `count` newOrders get an ACME problem (e.g. 409 alreadyReplaced)
    // instead of reaching Pebble; they are still recorded below.
    void refuse_orders(int count, int status, const std::string& problem_type);
    // Every request answered 503 (on) or forwarded again (off).
    void set_unavailable(bool on);
    // Requests answered 503 so far.
    int unavailable_answers() const;
    // The "replaces" member of each newOrder so far ("" when absent), in order.
    std::vector<std::string> new_order_replaces() const;

    struct State;  // shared with the request handler

private:
    struct DaemonDeleter {
        void operator()(MHD_Daemon* d) const noexcept;
    };
    TempDir dir_;
    std::unique_ptr<State> state_;
    std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon_;
    int port_ = 0;
};

}  // namespace certa::test
