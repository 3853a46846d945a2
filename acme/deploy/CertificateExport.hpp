// Writes a stored certificate as PEM files into a directory: cert.pem,
// chain.pem, fullchain.pem and privkey.pem (0600), each replaced atomically,
// the key first. Shared by `certa export` and the export dirs `certa renew`
// rewrites after a renewal.
#pragma once

#include "storage/Store.hpp"

#include <filesystem>
#include <string>

namespace certa::acme {

// plain: the four files in the directory; certbot: CertbotLayout's live/ + archive/.
enum class ExportLayout { Plain, Certbot };

struct PemFiles {
    std::string cert, chain, fullchain;  // leaf; intermediates; both
};
// Throws std::runtime_error when the stored chain does not parse.
PemFiles split_chain(const storage::CertificateRecord& cert);

// Throws std::runtime_error (no parsable chain) or LocalFileError (cannot write).
void write_certificate_files(const storage::CertificateRecord& cert, const std::filesystem::path& dir);

// Adds `dir` (absolute) to the certificate's recorded renewal settings
// (export_dirs, or certbot_dirs for the certbot layout) so that `certa renew`
// rewrites it. A certificate without settings (not issued
// by certa) is left alone. Returns true when the settings changed.
bool remember_export_dir(storage::Store& store, const storage::CertificateRecord& cert,
                         const std::filesystem::path& dir, ExportLayout layout = ExportLayout::Plain);

}  // namespace certa::acme
