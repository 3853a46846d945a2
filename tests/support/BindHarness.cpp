#include "BindHarness.hpp"

#include "PebbleHarness.hpp"
#include "TestFiles.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace certa::test {
namespace {

void write_text(const std::string& path, const std::string& text, mode_t mode = 0600) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out || ::chmod(path.c_str(), mode) != 0) throw std::runtime_error("cannot write " + path);
}

std::string key_statement(const std::string& name, const std::string& secret) {
    return "key \"" + name + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n";
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// Debian's bind9 ships an AppArmor profile for /usr/sbin/named that keeps it
// out of /tmp, where the harness writes its configuration and zones. Where
// AppArmor is active (a Debian VM; containers usually have none), the
// harness runs a private copy of the binary, which no profile is attached
// to. The daemon is the same program either way.
std::string named_program(const std::string& dir) {
    struct stat st {};
    if (::stat("/sys/kernel/security/apparmor", &st) != 0) return "/usr/sbin/named";  // root's PATH may lack /usr/sbin
    const std::string copy = dir + "/named";
    std::ifstream in("/usr/sbin/named", std::ios::binary);
    std::ofstream out(copy, std::ios::binary | std::ios::trunc);
    out << in.rdbuf();
    out.close();
    if (!in || !out || ::chmod(copy.c_str(), 0700) != 0) throw std::runtime_error("cannot copy /usr/sbin/named");
    return copy;
}

}  // namespace

std::string random_tsig_secret() {
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
    unsigned char b64[64] = {};
    const int n = EVP_EncodeBlock(b64, raw, sizeof raw);
    return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

BindHarness::BindHarness(std::vector<BindZone> zones, std::string key_name)
    : key_name_(std::move(key_name)), secret_(random_tsig_secret()) {
    if (zones.empty()) throw std::invalid_argument("BindHarness needs a zone");
    write_text(key_file(), key_statement(key_name_, secret_));
    for (int attempt = 0; attempt < 3; ++attempt)  // the port may be taken between choosing and binding
        if (start_once(zones)) return;
    throw std::runtime_error("named did not start: " + log());
}

BindHarness::~BindHarness() { named_.reset(); }

bool BindHarness::start_once(const std::vector<BindZone>& zones) {
    named_.reset();
    port_ = free_tcp_udp_port();
    const std::string dir = dir_.path().string();
    std::string conf = "options {\n  directory \"" + dir + "\";\n  listen-on port " + std::to_string(port_) +
                       " { 127.0.0.1; };\n  listen-on-v6 { none; };\n  pid-file \"" + dir + "/named.pid\";\n" +
                       "  session-keyfile \"" + dir + "/session.key\";\n  recursion yes;\n  allow-recursion { 127.0.0.1; };\n" +
                       "  dnssec-validation no;\n" +
                       "  allow-transfer { 127.0.0.1; };\n  notify no;\n};\ncontrols { };\n" +
                       key_statement(key_name_, secret_);
    // The root zone, local: recursion never asks anyone else.
    write_text(dir + "/root.zone", "$TTL 60\n@ IN SOA ns.root. hostmaster.root. 1 3600 600 86400 60\n@ IN NS ns.root.\n"
                                   "ns.root. IN A 127.0.0.1\n", 0644);
    conf += "zone \".\" { type primary; file \"" + dir + "/root.zone\"; };\n";
    for (const auto& zone : zones) {
        const std::string file = dir + "/" + zone.name + ".zone";
        write_text(file, "$TTL 60\n@ IN SOA ns." + zone.name + ". hostmaster." + zone.name +
                             ". 1 3600 600 86400 60\n@ IN NS ns." + zone.name + ".\nns IN A 127.0.0.1\n" + zone.records,
                   0644);
        conf += "zone \"" + zone.name + "\" { type primary; file \"" + file + "\";";
        if (zone.updatable) conf += " update-policy { grant " + key_name_ + " zonesub TXT; };";
        conf += " };\n";
    }
    write_text(dir + "/named.conf", conf);
    named_ = std::make_unique<Background>(std::vector<std::string>{named_program(dir), "-g", "-n", "1", "-c", dir + "/named.conf"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (int i = 0; i < 100 && std::chrono::steady_clock::now() < deadline; ++i) {
        if (!named_->running()) return false;
        auto r = run({"dig", "+short", "+time=1", "+tries=1", "-p", std::to_string(port_), "@127.0.0.1", zones.front().name,
                      "SOA"},
                     RunOptions{{}, "", std::chrono::milliseconds(3000)});
        if (r.exit_code == 0 && r.out.find("hostmaster") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::string BindHarness::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::string BindHarness::write_key_file(const std::string& file, const std::string& name,
                                        const std::string& secret) const {
    const std::string path = dir_.file(file);
    write_text(path, key_statement(name, secret));
    return path;
}

std::vector<std::string> BindHarness::txt(const std::string& fqdn) const {
    auto r = run({"dig", "+short", "+time=2", "+tries=1", "-p", std::to_string(port_), "@127.0.0.1", fqdn, "TXT"},
                 RunOptions{{}, "", std::chrono::milliseconds(5000)});
    if (r.exit_code != 0) throw std::runtime_error("dig failed: " + r.err);
    std::vector<std::string> out;
    for (auto line : lines_of(r.out)) {
        if (line.size() >= 2 && line.front() == '"' && line.back() == '"') line = line.substr(1, line.size() - 2);
        out.push_back(line);
    }
    return out;
}

std::vector<std::string> BindHarness::records_named(const std::string& zone, const std::string& label) const {
    auto r = run({"dig", "+noall", "+answer", "+time=2", "+tries=1", "-p", std::to_string(port_), "@127.0.0.1", zone,
                  "AXFR"},
                 RunOptions{{}, "", std::chrono::milliseconds(5000)});
    if (r.exit_code != 0 || r.out.find("SOA") == std::string::npos) throw std::runtime_error("AXFR failed: " + r.out + r.err);
    std::vector<std::string> out;
    for (const auto& line : lines_of(r.out))
        if (line.find(label) != std::string::npos) out.push_back(line);
    return out;
}

std::string BindHarness::log() const { return named_ ? named_->err() + named_->out() : std::string(); }

}  // namespace certa::test
