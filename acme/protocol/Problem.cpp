#include "acme/protocol/Problem.hpp"

#include "acme/protocol/Json.hpp"

namespace certa::acme {

namespace {

std::string status_text(long status) {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        default: return "unexpected response";
    }
}

// Lenient member read: a wrong type is treated as absent (a problem document
// must never make error reporting itself fail).
std::string lenient_string(const json::Value& object, std::string_view name) {
    const json::Value* v = json::find(object, name);
    return v && v->is_string() ? v->as_string() : std::string();
}

Problem parse_object(const json::Value& object, int depth) {
    Problem p;
    p.type = lenient_string(object, "type");
    p.detail = lenient_string(object, "detail");
    if (const json::Value* s = json::find(object, "status"); s && s->is_number() && s->as_number().is_int32())
        p.status = s->as_number().to_int32();
    if (const json::Value* id = json::find(object, "identifier"); id && id->is_object())
        p.identifier = lenient_string(*id, "value");
    if (const json::Value* subs = json::find(object, "subproblems"); subs && subs->is_array() && depth < 2) {
        for (const auto& sub : subs->as_array())
            if (sub.is_object()) p.subproblems.push_back(parse_object(sub, depth + 1));
    }
    return p;
}

}  // namespace

bool Problem::is(std::string_view name) const {
    return type.size() == kAcmeErrorPrefix.size() + name.size() && type.compare(0, kAcmeErrorPrefix.size(), kAcmeErrorPrefix) == 0 &&
           type.compare(kAcmeErrorPrefix.size(), std::string::npos, name) == 0;
}

std::string Problem::summary() const {
    std::string out = type.empty() ? std::string("about:blank") : type;
    if (!detail.empty()) out += ": " + detail;
    for (const auto& sub : subproblems) {
        out += "; ";
        if (!sub.identifier.empty()) out += sub.identifier + ": ";
        out += sub.type.empty() ? std::string("about:blank") : sub.type;
        if (!sub.detail.empty()) out += ": " + sub.detail;
    }
    // One line, whatever the CA sent.
    for (char& c : out)
        if (c == '\n' || c == '\r') c = ' ';
    return out;
}

AcmeError::AcmeError(Problem problem, std::string context, std::optional<std::chrono::seconds> retry_after)
    : std::runtime_error((context.empty() ? std::string() : context + ": ") + problem.summary()),
      problem_(std::move(problem)),
      context_(std::move(context)),
      retry_after_(retry_after) {}

Problem parse_problem(const json::Value& object) { return parse_object(object, 0); }

Problem parse_problem(const HttpResponse& response) {
    Problem p;
    try {
        json::Value v = json::parse(response.body, 64 * 1024);
        if (v.is_object()) p = parse_object(v, 0);
    } catch (const json::JsonError&) {
        // not a problem document: fall through to about:blank
    }
    if (p.type.empty()) {
        p.type = "about:blank";
        if (p.detail.empty()) p.detail = "HTTP " + std::to_string(response.status) + " " + status_text(response.status);
    }
    if (p.status == 0) p.status = static_cast<int>(response.status);
    return p;
}

}  // namespace certa::acme
