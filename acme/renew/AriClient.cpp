#include "acme/renew/AriClient.hpp"

#include "acme/protocol/Json.hpp"

#include <cctype>
#include <ctime>
#include <stdexcept>

namespace certa::acme {
namespace {

// Reads exactly `n` digits at text[pos]; advances pos.
int digits(std::string_view text, std::size_t& pos, std::size_t n) {
    if (pos + n > text.size()) throw json::JsonError("renewalInfo: truncated RFC 3339 time");
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) throw json::JsonError("renewalInfo: malformed RFC 3339 time");
        value = value * 10 + (c - '0');
    }
    pos += n;
    return value;
}

void expect(std::string_view text, std::size_t& pos, std::string_view allowed) {
    if (pos >= text.size() || allowed.find(text[pos]) == std::string_view::npos)
        throw json::JsonError("renewalInfo: malformed RFC 3339 time");
    ++pos;
}

}  // namespace

// RFC 3339 §5.6: full-date "T" full-time, time-offset "Z" or ±hh:mm.
storage::UnixTime parse_rfc3339(std::string_view text) {
    std::size_t pos = 0;
    std::tm tm{};
    tm.tm_year = digits(text, pos, 4) - 1900;
    expect(text, pos, "-");
    tm.tm_mon = digits(text, pos, 2) - 1;
    expect(text, pos, "-");
    tm.tm_mday = digits(text, pos, 2);
    expect(text, pos, "Tt ");
    tm.tm_hour = digits(text, pos, 2);
    expect(text, pos, ":");
    tm.tm_min = digits(text, pos, 2);
    expect(text, pos, ":");
    tm.tm_sec = digits(text, pos, 2);
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        throw json::JsonError("renewalInfo: RFC 3339 time out of range");
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == start) throw json::JsonError("renewalInfo: malformed RFC 3339 fraction");
    }
    long offset = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else {
        const char sign = pos < text.size() ? text[pos] : '\0';
        expect(text, pos, "+-");
        const int hours = digits(text, pos, 2);
        expect(text, pos, ":");
        const int minutes = digits(text, pos, 2);
        if (hours > 23 || minutes > 59) throw json::JsonError("renewalInfo: RFC 3339 offset out of range");
        offset = (hours * 60L + minutes) * 60L * (sign == '-' ? -1 : 1);
    }
    if (pos != text.size()) throw json::JsonError("renewalInfo: trailing characters after RFC 3339 time");
    return static_cast<storage::UnixTime>(timegm(&tm)) - offset;
}

RenewalInfo parse_renewal_info(std::string_view body) {
    const json::Value v = json::parse_object(body, 64 * 1024);
    const json::Value* window = json::find(v, "suggestedWindow");
    if (!window || !window->is_object()) throw json::JsonError("renewalInfo: no suggestedWindow object");
    RenewalInfo info;
    info.window_start = parse_rfc3339(json::required_string(*window, "start"));
    info.window_end = parse_rfc3339(json::required_string(*window, "end"));
    // RFC 9773 §4.2: a window whose end is not after its start is invalid.
    if (info.window_end < info.window_start) throw json::JsonError("renewalInfo: suggestedWindow ends before it starts");
    info.explanation_url = json::string_field(v, "explanationURL").value_or("");
    return info;
}

RenewalInfo fetch_renewal_info(AcmeClient& client, const std::string& cert_id) {
    const auto& base = client.directory().renewal_info;
    if (!base) throw std::logic_error("the CA offers no renewalInfo");
    std::string url = *base;
    if (!url.empty() && url.back() != '/') url += '/';
    const HttpResponse response = client.get(url + cert_id);
    RenewalInfo info = parse_renewal_info(response.body);
    info.retry_after = response.retry_after();
    return info;
}

}  // namespace certa::acme
