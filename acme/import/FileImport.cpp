#include "acme/import/FileImport.hpp"

#include "acme/import/ImportTree.hpp"
#include "acme/import/ImportedCertificate.hpp"
#include "storage/KeyType.hpp"

namespace certa::acme {

ImportPlan read_cert_files(const FileImportOptions& options) {
    ImportPlan plan;
    plan.kind = "files";
    plan.source = options.cert.string();
    std::string chain = read_import_file(options.cert);
    if (!options.chain.empty()) {
        if (!chain.empty() && chain.back() != '\n') chain += '\n';
        chain += read_import_file(options.chain);
    }
    auto cert = make_imported_certificate(options.cert.filename().string(), options.cert.string(), chain,
                                          read_import_file(options.key), options.names);
    cert.label = cert.names.front();
    cert.input.names = cert.names;
    auto& s = cert.settings;
    s.key_type = renewable_key_type(cert.input.key_type) ? cert.input.key_type : std::string(storage::kDefaultKeyType);
    s.renew_skip_reason = kNoServerSkipReason;
    plan.certificates.push_back(std::move(cert));
    return plan;
}

}  // namespace certa::acme
