#include "CaddyStorage.hpp"

#include "../BenchStore.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace certa::bench {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error("cannot read " + path);
    return text.str();
}

void write_file(const std::string& path, const std::string& text, bool secret) {
    std::ofstream out(path, std::ios::binary);
    if (secret) fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);  // before the key is in it
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string caddy_issuer_key(const std::string& ca_url) {
    std::string rest = ca_url.substr(ca_url.find("://") == std::string::npos ? 0 : ca_url.find("://") + 3);
    std::size_t slash = rest.find('/');
    std::string key = rest.substr(0, slash);
    if (slash != std::string::npos) {
        std::string path = rest.substr(slash);
        for (char& c : path)
            if (c == '/' || c == '\\') c = '-';
        std::size_t first = path.find_first_not_of('-'), last = path.find_last_not_of('-');
        if (first != std::string::npos) key += "-" + path.substr(first, last - first + 1);
    }
    std::string safe;
    for (char c : key) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ':') safe += '-';
        else if (std::isalnum(u) || c == '_' || c == '@' || c == '.' || c == '-') safe += static_cast<char>(std::tolower(u));
    }
    return safe;
}

std::string caddy_storage_root(const BenchCertSet& certs) {
    const std::string root = certs.dir + "/caddy-storage";
    const std::string marker = root + "/complete";
    if (fs::exists(marker)) return root;
    fs::remove_all(root);
    const auto started = std::chrono::steady_clock::now();
    const std::string issuer_dir = root + "/certificates/" + caddy_issuer_key(caddy_storage_ca);
    for (std::size_t i = 0; i < certs.count; ++i) {
        // The set's PEM file is the leaf then its key; certmagic reads them
        // from two files, so the text is split after the last certificate.
        const std::string pem = read_text(certs.pem(i));
        const std::string end = "-----END CERTIFICATE-----\n";
        const std::size_t split = pem.rfind(end);
        if (split == std::string::npos) throw std::runtime_error("no certificate in " + certs.pem(i));
        const std::string name = name_of(i), dir = issuer_dir + "/" + name;
        fs::create_directories(dir);
        write_file(dir + "/" + name + ".crt", pem.substr(0, split + end.size()), false);
        write_file(dir + "/" + name + ".key", pem.substr(split + end.size()), true);
        write_file(dir + "/" + name + ".json",
                   "{\"sans\":[\"" + name + "\"],\"issuer_data\":{\"url\":\"\",\"ca\":\"" + caddy_storage_ca + "\"}}", false);
    }
    std::ofstream(marker) << certs.count << "\n";
    std::printf("certs: wrote Caddy's storage for %zu certificates in %s in %.1f s\n", certs.count, root.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return root;
}

}  // namespace certa::bench
