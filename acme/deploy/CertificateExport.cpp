#include "acme/deploy/CertificateExport.hpp"

#include "acme/files/AtomicFile.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/base/OpenSsl.hpp"

#include <algorithm>
#include <stdexcept>

namespace certa::acme {

PemFiles split_chain(const storage::CertificateRecord& cert) {
    auto parsed = ossl::parse_chain_pem(cert.chain_pem);
    if (parsed.empty())
        throw std::runtime_error("certificate #" + std::to_string(cert.id) + " has no parsable chain");
    PemFiles files;
    files.cert = ossl::to_pem(parsed.front().get());
    for (std::size_t i = 1; i < parsed.size(); ++i) files.chain += ossl::to_pem(parsed[i].get());
    files.fullchain = files.cert + files.chain;
    return files;
}

void write_certificate_files(const storage::CertificateRecord& cert, const std::filesystem::path& dir) {
    const PemFiles pem = split_chain(cert);
    const SafeDirectory out = ensure_private_dir(dir);
    // The key first: a reader that sees the new certificate finds its key already there.
    write_file_atomic(out, "privkey.pem", cert.key_pem, 0600);
    write_file_atomic(out, "chain.pem", pem.chain, 0644);
    write_file_atomic(out, "fullchain.pem", pem.fullchain, 0644);
    write_file_atomic(out, "cert.pem", pem.cert, 0644);
}

bool remember_export_dir(storage::Store& store, const storage::CertificateRecord& cert,
                         const std::filesystem::path& dir, ExportLayout layout) {
    if (cert.settings_json.empty()) return false;
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
    const std::string path = (ec ? dir : absolute).lexically_normal().string();
    bool added = false;
    // Read-modify-write in one store transaction: a concurrent renewal or
    // export (any process) never loses this change, nor this one theirs.
    store.edit_settings(cert.id, [&](const std::string& current) {
        IssueSettings settings;
        try {
            settings = IssueSettings::from_json(current);
        } catch (const std::exception&) {
            return current;  // not ours to repair here; `certa renew` reports it
        }
        auto& dirs = layout == ExportLayout::Certbot ? settings.certbot_dirs : settings.export_dirs;
        if (current.empty() || std::find(dirs.begin(), dirs.end(), path) != dirs.end()) return current;
        dirs.push_back(path);
        added = true;
        return settings.to_json();
    });
    return added;
}

}  // namespace certa::acme
