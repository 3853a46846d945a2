#include "acme/import/LegoCertificate.hpp"

#include "acme/import/ImportError.hpp"
#include "acme/import/ImportedCertificate.hpp"
#include "acme/import/LegoServer.hpp"
#include "acme/protocol/Json.hpp"
#include "storage/base/OpenSsl.hpp"

namespace certa::acme {

namespace fs = std::filesystem;

LegoCertificate read_lego_certificate(const ImportTree& tree, const std::string& base) {
    const fs::path dir = "certificates";
    const std::string where = (tree.root() / dir / base).string();
    std::string domain, cert_url;
    try {
        const auto v = json::parse_object(tree.read(dir / (base + ".json")));
        domain = json::string_field(v, "domain").value_or(base);
        cert_url = json::string_field(v, "certStableUrl").value_or("");
        if (cert_url.empty()) cert_url = json::string_field(v, "certUrl").value_or("");
    } catch (const json::JsonError& e) {
        throw ImportError(where + ".json: " + e.what());
    }
    std::string chain = tree.read(dir / (base + ".crt"));
    // --no-bundle: NAME.crt holds the leaf alone; the issuers are in NAME.issuer.crt.
    const fs::path issuer = dir / (base + ".issuer.crt");
    if (ossl::parse_chain_pem(chain).size() == 1 && tree.exists(issuer)) {
        if (!chain.empty() && chain.back() != '\n') chain += '\n';
        chain += tree.read(issuer);
    }
    LegoCertificate out;
    out.certificate = make_imported_certificate(domain, where + ".crt", chain, tree.read(dir / (base + ".key")));
    out.host_dir = lego_host_dir(cert_url);
    return out;
}

}  // namespace certa::acme
