// certbot's on-disk layout (certbot 2.1, certbot/_internal/storage.py), so
// that servers and scripts written for certbot read certa's certificates:
//
//   CONFIG/live/           0700  (README for the whole dir)
//   CONFIG/live/NAME/      0755  cert.pem chain.pem fullchain.pem privkey.pem, README
//   CONFIG/archive/        0700
//   CONFIG/archive/NAME/   0755  certN.pem chainN.pem fullchainN.pem (0644), privkeyN.pem (0600)
//
// live/NAME/KIND.pem is a relative symbolic link (../../archive/NAME/KINDN.pem)
// to the newest version N. A new certificate becomes version N+1 (older
// versions stay); exporting the certificate the newest version already holds
// only re-points the links. NAME is the primary name ("*." dropped). Every
// directory is opened through SafeDirectory, every file and link replaced
// atomically (AtomicFile), the key first.
#pragma once

#include "storage/StoreTypes.hpp"

#include <filesystem>
#include <string>

namespace certa::acme {

struct CertbotExport {
    std::filesystem::path live_dir;  // CONFIG/live/NAME
    int version = 0;                 // N the links point to
    bool new_version = false;        // false: the newest version already held this certificate
};

// The lineage name: the primary name without a leading "*.".
std::string certbot_lineage_name(const storage::CertificateRecord& cert);
// CONFIG/live/NAME (absolute, normalized).
std::filesystem::path certbot_live_dir(const std::filesystem::path& config_dir, const storage::CertificateRecord& cert);

// Throws LocalFileError (cannot write, a SafeDirectory rule) or
// std::runtime_error (no parsable chain).
CertbotExport write_certbot_lineage(const storage::CertificateRecord& cert, const std::filesystem::path& config_dir);

}  // namespace certa::acme
