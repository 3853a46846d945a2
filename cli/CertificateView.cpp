#include "cli/CertificateView.hpp"

#include "acme/request/IssueSettings.hpp"
#include "cli/TimeFormat.hpp"
#include "storage/base/Clock.hpp"
#include "storage/base/OpenSsl.hpp"

#include <openssl/objects.h>

namespace certa::cli {

using web::json::value;

std::string leaf_issuer(const std::string& chain_pem) {
    auto chain = ossl::parse_chain_pem(chain_pem);
    if (chain.empty()) return {};
    if (std::string cn = ossl::issuer_common_name(chain.front().get()); !cn.empty()) return cn;
    // No commonName: the whole issuer name (RFC 2253).
    X509_NAME* issuer = X509_get_issuer_name(chain.front().get());
    if (issuer == nullptr) return {};
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), issuer, 0, XN_FLAG_RFC2253) < 0) return {};
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string{};
}

std::string join_names(const std::vector<std::string>& names, const std::string& separator) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += separator;
        out += n;
    }
    return out;
}

std::vector<std::string> recorded_ca_list(const storage::CertificateRecord& cert) {
    std::vector<std::string> list;
    try {
        if (!cert.settings_json.empty()) list = acme::IssueSettings::from_json(cert.settings_json).ca_list();
    } catch (const std::exception&) {
        // Unreadable settings: `certa renew` reports them; here the row's CA stands alone.
    }
    if (list.empty() && !cert.server.empty()) list.push_back(cert.server);
    return list;
}

namespace {

value string_array(const std::vector<std::string>& items) {
    std::vector<value> out;
    out.reserve(items.size());
    for (const auto& s : items) out.push_back(value::string(s));
    return value::array(out);
}

// A timestamp as ISO-8601, or null when it is not set.
value time_or_null(storage::UnixTime t) {
    return t == 0 ? value::null() : value::string(iso8601_utc(t));
}

value string_or_null(const std::string& s) { return s.empty() ? value::null() : value::string(s); }

}  // namespace

value certificate_summary_json(const storage::CertificateRecord& cert) {
    value v = value::object();
    v["id"] = value::number(static_cast<int64_t>(cert.id));
    v["names"] = string_array(cert.names);
    v["not_before"] = time_or_null(cert.not_before);
    v["not_after"] = time_or_null(cert.not_after);
    v["expired"] = value::boolean(cert.not_after != 0 && cert.not_after < storage::unix_now());
    v["issuer"] = string_or_null(leaf_issuer(cert.chain_pem));
    v["server"] = string_or_null(cert.server);  // the CA (directory URL) that issued this row
    v["ca"] = string_or_null(cert.server);
    v["ca_list"] = string_array(recorded_ca_list(cert));  // the CAs renewals try, in order
    v["status"] = value::string(storage::to_string(cert.status));
    v["renew_at"] = time_or_null(cert.renew_at);
    v["next_attempt"] = time_or_null(cert.next_attempt);
    v["last_error"] = string_or_null(cert.last_error);
    return v;
}

value certificate_detail_json(const storage::CertificateRecord& cert,
                              const std::vector<storage::Event>& events) {
    value v = certificate_summary_json(cert);
    v["serial"] = value::string(cert.serial_hex);
    v["key_type"] = value::string(cert.key_type);
    v["profile"] = string_or_null(cert.profile);
    v["account_id"] = value::number(static_cast<int64_t>(cert.account_id));
    v["ari_cert_id"] = string_or_null(cert.ari_cert_id);
    v["ari_window_start"] = time_or_null(cert.ari_window_start);
    v["ari_window_end"] = time_or_null(cert.ari_window_end);
    v["ari_next_check"] = time_or_null(cert.ari_next_check);
    v["failures"] = value::number(cert.failures);
    v["replaced_by"] = cert.replaced_by == 0 ? value::null()
                                             : value::number(static_cast<int64_t>(cert.replaced_by));
    v["created"] = time_or_null(cert.created);
    v["updated"] = time_or_null(cert.updated);
    std::vector<value> list;
    for (const auto& e : events) {
        value ev = value::object();
        ev["time"] = time_or_null(e.time);
        ev["kind"] = value::string(e.kind);
        ev["detail"] = value::string(e.detail);
        list.push_back(ev);
    }
    v["events"] = value::array(list);
    return v;
}

}  // namespace certa::cli
