#include "acme/deploy/HaproxyDeploy.hpp"

#include "acme/deploy/CertbotLayout.hpp"
#include "acme/deploy/CertificateExport.hpp"
#include "acme/deploy/HaproxyCrtPath.hpp"
#include "acme/deploy/HaproxyRuntimeApi.hpp"
#include "acme/files/AtomicFile.hpp"
#include "acme/files/LocalFileError.hpp"

#include <algorithm>
#include <filesystem>

namespace certa::acme {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Without CRT-PATH: the loaded certificate whose file is named NAME.pem.
std::string find_crt_path(const std::vector<std::string>& loaded, const storage::CertificateRecord& cert) {
    const std::string wanted = certbot_lineage_name(cert) + ".pem";
    for (const auto& file : loaded)
        if (std::filesystem::path(file).filename() == wanted) return file;
    throw HaproxyError("haproxy has no certificate file named " + wanted +
                       " loaded; give --deploy haproxy:SOCKET:CRT-PATH");
}

std::string crt_list_for(const HaproxyRuntimeApi& api, const HaproxyTarget& target) {
    if (!target.crt_list.empty()) return target.crt_list;
    const auto lists = api.crt_lists();
    if (lists.size() == 1) return lists.front();
    throw HaproxyError("haproxy has " + std::to_string(lists.size()) +
                       " crt-lists; give --deploy haproxy:SOCKET:CRT-PATH:CRT-LIST for a certificate it does not know");
}

void write_crt_file(const std::string& crt_path, const std::string& pem) {
    const std::filesystem::path path(crt_path);
    if (!path.is_absolute())
        throw LocalFileError("haproxy certificate " + crt_path + " is not an absolute path; give CRT-PATH");
    write_file_atomic(ensure_private_dir(path.parent_path()), path.filename().string(), pem, 0600);
}

}  // namespace

std::string deploy_to_haproxy(const HaproxyTarget& target, const storage::CertificateRecord& cert,
                              const LocalPolicy& policy) {
    const HaproxyRuntimeApi api(target.socket);
    const PemFiles files = split_chain(cert);
    const std::string pem = without_blank_lines(files.fullchain + cert.key_pem);
    std::string crt_path = target.crt_path;
    if (crt_path.empty()) {
        // HAProxy's answer names the file root writes: checked like input.
        crt_path = find_crt_path(api.certificates(), cert);
        check_discovered_crt_path(crt_path, api.crt_lists(), policy);
    }
    // The file first: a reload from here on loads the new certificate too.
    write_crt_file(crt_path, pem);
    try {
        if (!api.set_certificate(crt_path, pem)) {
            // Not one HAProxy loaded: an empty store for it first.
            api.new_certificate(crt_path);
            if (!api.set_certificate(crt_path, pem))
                throw HaproxyError("haproxy does not take certificate " + crt_path + " after 'new ssl cert'");
        }
        api.commit_certificate(crt_path);
    } catch (const HaproxyError&) {
        try {
            api.abort_certificate(crt_path);
        } catch (const HaproxyError&) {
            // the original error says more
        }
        throw;
    }
    // Committed but used by no bind line: new to HAProxy (or a run that
    // stopped before adding it). It gets its SNIs once in a crt-list.
    if (api.certificate_status(crt_path) == "Unused") {
        const std::string list = crt_list_for(api, target);
        if (!contains(api.crt_list_entries(list), crt_path)) api.add_to_crt_list(list, crt_path);
    }
    return crt_path;
}

}  // namespace certa::acme
