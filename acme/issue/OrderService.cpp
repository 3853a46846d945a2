#include "acme/issue/OrderService.hpp"

// spdlog before cpprest (acme/protocol/Json.hpp): cpprest defines a macro U that breaks fmt.
#include <spdlog/spdlog.h>

#include "acme/challenge/AuthorizationSolver.hpp"
#include "acme/issue/ChainSelector.hpp"
#include "acme/issue/Csr.hpp"
#include "acme/issue/OrderDocument.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/protocol/PollSchedule.hpp"
#include "storage/base/Base64Url.hpp"

namespace certa::acme {
namespace {

using Clock = PollSchedule::Clock;

// Polls the order until its status is not in `waiting`; returns the order.
OrderDocument poll_order(AcmeClient& client, const std::string& url, OrderDocument order,
                         std::initializer_list<const char*> waiting, Clock::time_point deadline) {
    PollSchedule schedule(deadline);
    std::optional<std::chrono::seconds> retry_after;
    while (true) {
        bool wait = false;
        for (const char* w : waiting) wait = wait || order.status == w;
        if (!wait) return order;
        if (!schedule.wait(retry_after))
            throw std::runtime_error("timed out waiting for the order (" + order.status + ")");
        HttpResponse response = client.post_as_get(url);
        retry_after = response.retry_after();
        order = read_order(response.body);
    }
}

std::string download(AcmeClient& client, const std::string& certificate_url, const std::string& preferred_cn) {
    HttpResponse response = client.post_as_get(certificate_url);
    if (chain_matches(response.body, preferred_cn)) return response.body;
    // RFC 8555 §7.4.2: alternate chains are offered as Link rel="alternate".
    for (const auto& alternate : response.links_with_rel("alternate")) {
        HttpResponse alt = client.post_as_get(alternate);
        if (chain_matches(alt.body, preferred_cn)) {
            spdlog::debug("using the alternate chain issued by '{}'", preferred_cn);
            return alt.body;
        }
    }
    spdlog::warn("no chain issued by '{}'; using the default chain (issuer '{}')", preferred_cn,
                 top_issuer_cn(response.body));
    return response.body;
}

}  // namespace

std::string new_order_payload(const OrderRequest& request) {
    json::Value identifiers = json::Value::array();
    size_t i = 0;
    for (const auto& id : request.identifiers) {
        json::Value entry = json::Value::object();
        entry["type"] = json::string_value(id.type());
        entry["value"] = json::string_value(id.value);
        identifiers[i++] = entry;
    }
    json::Value payload = json::Value::object();
    payload["identifiers"] = identifiers;
    if (!request.profile.empty()) payload["profile"] = json::string_value(request.profile);
    if (!request.replaces.empty()) payload["replaces"] = json::string_value(request.replaces);
    return json::serialize(payload);
}

OrderResult OrderService::run(const OrderRequest& request) {
    if (request.identifiers.empty()) throw OrderError("no names to order");
    if (!request.certificate_key) throw OrderError("no certificate key");
    const auto deadline = Clock::now() + request.timeout;
    check_profile(client_.directory(), request.profile);

    HttpResponse created = client_.post(client_.directory().new_order, new_order_payload(request));
    OrderResult result;
    result.order_url = created.header("location").value_or("");
    if (result.order_url.empty()) throw json::JsonError("newOrder answer without Location");
    OrderDocument order = read_order(created.body);
    spdlog::debug("order created for {} name(s)", request.identifiers.size());

    AuthorizationSolver(client_, solver_).solve_all(order.authorizations, request.identifiers, deadline);

    order = poll_order(client_, result.order_url, std::move(order), {"pending"}, deadline);
    if (order.status == "ready") {
        const std::string csr = make_csr_der(request.identifiers, request.certificate_key);
        json::Value payload = json::Value::object();
        payload["csr"] = json::string_value(base64url_encode(csr));
        HttpResponse finalized = client_.post(json::require_member(order.finalize, "finalize"), json::serialize(payload));
        order = poll_order(client_, result.order_url, read_order(finalized.body), {"processing", "ready"}, deadline);
    }
    if (order.status != "valid") throw AcmeError(order_failure(order), "order failed");
    result.certificate_url = json::require_member(order.certificate, "certificate");
    result.chain_pem = download(client_, result.certificate_url, request.preferred_chain);
    return result;
}

}  // namespace certa::acme
