// certbot's on-disk layout (certbot 2.1, certbot/_internal/storage.py), so
// that servers and scripts written for certbot read certa's certificates:
//
//   CONFIG/live/           0700  (README for the whole dir)
//   CONFIG/live/NAME/      0755  cert.pem chain.pem fullchain.pem privkey.pem, README
//   CONFIG/archive/        0700
//   CONFIG/archive/NAME/   0755  certN.pem chainN.pem fullchainN.pem (0644), privkeyN.pem (0600)
//
// live/NAME/KIND.pem is a relative symbolic link (../../archive/NAME/KINDN.pem)
// to the newest version N: as certbot's next_free_version, the highest N of
// any of the four kinds in archive/NAME, so a lineage certbot made (version 1,
// or more) continues with N+1. A new certificate becomes version N+1 (older
// versions stay, untouched); exporting the certificate the newest version
// already holds only re-points the links. NAME is the recorded lineage
// (IssueSettings::certbot_lineage, an imported lineage's own name), else the
// primary name ("*." dropped). Every directory is opened through
// SafeDirectory (certbot's own root- or user-owned 0755/0700 dirs pass), every
// file and link replaced atomically (AtomicFile), the key first. Unlike
// certbot, a new privkeyN.pem is always 0600: certbot would copy the group and
// group bits of the previous one. renewal/NAME.conf is neither read nor
// written here (it names the live/ links, which stay valid).
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

// A name certbot could give a lineage directory: one path component (not
// empty, ".", "..", no '/' or NUL).
bool is_certbot_lineage_name(const std::string& name);
// The lineage name: `recorded` (IssueSettings::certbot_lineage) when set,
// else the primary name without a leading "*.". Throws LocalFileError when
// that is no lineage name.
std::string certbot_lineage_name(const storage::CertificateRecord& cert, const std::string& recorded = {});
// CONFIG/live/LINEAGE (absolute, normalized).
std::filesystem::path certbot_live_dir(const std::filesystem::path& config_dir, const std::string& lineage);

// Writes `cert` as the next version of lineage certbot_lineage_name(cert,
// recorded_lineage). Throws LocalFileError (cannot write, a SafeDirectory
// rule) or std::runtime_error (no parsable chain).
CertbotExport write_certbot_lineage(const storage::CertificateRecord& cert, const std::filesystem::path& config_dir,
                                    const std::string& recorded_lineage = {});

}  // namespace certa::acme
