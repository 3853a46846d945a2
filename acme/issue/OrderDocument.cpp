#include "acme/issue/OrderDocument.hpp"

#include "acme/protocol/Json.hpp"

namespace certa::acme {

OrderDocument read_order(std::string_view json_text) {
    const json::Value order = json::parse_object(json_text);
    OrderDocument out;
    out.status = json::required_string(order, "status");
    out.authorizations = json::string_array_field(order, "authorizations");
    out.finalize = json::string_field(order, "finalize");
    out.certificate = json::string_field(order, "certificate");
    if (const json::Value* err = json::find(order, "error"); err && err->is_object()) out.error = parse_problem(*err);
    return out;
}

Problem order_failure(const OrderDocument& order) {
    Problem problem = order.error;
    if (problem.type.empty()) {
        problem.type = std::string(kAcmeErrorPrefix) + "orderNotReady";
        problem.detail = "order is " + order.status;
    }
    return problem;
}

}  // namespace certa::acme
