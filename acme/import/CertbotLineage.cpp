#include "acme/import/CertbotLineage.hpp"

#include "acme/import/CertbotRenewalConf.hpp"
#include "acme/import/CertbotSettings.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/import/ImportedCertificate.hpp"

namespace certa::acme {

namespace fs = std::filesystem;

CertbotLineage read_certbot_lineage(const ImportTree& tree, const std::string& name, bool export_live,
                                    std::vector<ImportNote>& notes) {
    const fs::path conf_path = fs::path("renewal") / (name + ".conf");
    const auto conf = CertbotRenewalConf::parse(tree.read(conf_path), (tree.root() / conf_path).string());
    const fs::path live = fs::path("live") / name;
    if (!tree.is_directory(live)) throw ImportError(name + ": " + (tree.root() / live).string() + " is missing");
    CertbotLineage out;
    out.certificate = make_imported_certificate(name, (tree.root() / live).string(), tree.read(live / "fullchain.pem"),
                                                tree.read(live / "privkey.pem"));
    auto mapped = certbot_settings(conf, name, out.certificate.names, out.certificate.input.key_type, tree.root(),
                                   export_live);
    out.certificate.settings = std::move(mapped.settings);
    out.certificate.input.server = out.certificate.settings.server;
    out.certificate.needs_challenge = mapped.needs_challenge;
    out.account_id = std::move(mapped.account_id);
    notes.insert(notes.end(), mapped.notes.begin(), mapped.notes.end());
    return out;
}

}  // namespace certa::acme
