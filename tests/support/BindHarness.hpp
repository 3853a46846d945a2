// A real BIND9 (Debian `bind9`: `named -g`) on 127.0.0.1 at a free port, for
// the dns-01 RFC 2136 tests: its config, zone files and TSIG key are written
// by the harness into a temp dir (the key's secret is random per harness).
// Zones marked updatable carry `update-policy { grant KEY zonesub TXT; }`.
// It also answers as the resolver of loopback clients (Pebble's VA is a Go
// stub resolver that does not chase CNAMEs itself): recursion is on, and a
// local root zone makes it authoritative for every name, so an answer
// follows CNAMEs across its zones and nothing ever leaves loopback.
// named runs as the current user (root in CI: no -u needed, -g keeps it in
// the foreground) and is killed with the harness. Startup waits until the
// first zone's SOA answers (bounded: 10 s).
//
//   BindHarness bind({{"zone.test", ""}, {"plain.test", "_acme-challenge.www CNAME x.zone.test.\n", false}});
//   certa issue ... --dns-update bind.address() --tsig-key-file bind.key_file()
#pragma once

#include "Subprocess.hpp"
#include "TempDir.hpp"

#include <memory>
#include <string>
#include <vector>

namespace certa::test {

struct BindZone {
    std::string name;          // "zone.test" (no trailing dot)
    std::string records;       // extra zone-file lines, owner names relative to the zone
    bool updatable = true;     // grant the harness key TXT updates below the zone
};

class BindHarness {
public:
    explicit BindHarness(std::vector<BindZone> zones, std::string key_name = "certa-key");
    ~BindHarness();
    BindHarness(const BindHarness&) = delete;
    BindHarness& operator=(const BindHarness&) = delete;

    int port() const { return port_; }
    std::string address() const;           // "127.0.0.1:PORT"
    const std::string& key_name() const { return key_name_; }
    const std::string& secret() const { return secret_; }
    // The key in tsig-keygen's format, mode 0600 (what --tsig-key-file reads).
    std::string key_file() const { return dir_.file("tsig.key"); }
    // Writes a key file with any name and secret (mode 0600), for wrong-key cases.
    std::string write_key_file(const std::string& file, const std::string& name, const std::string& secret) const;

    // The TXT values at `fqdn` (dig +short, quotes removed); empty when none.
    std::vector<std::string> txt(const std::string& fqdn) const;
    // Every record of the zone that has `label` in its owner name (an AXFR
    // filtered by grep-like substring), for "nothing left" checks.
    std::vector<std::string> records_named(const std::string& zone, const std::string& label) const;
    std::string log() const;

private:
    bool start_once(const std::vector<BindZone>& zones);
    TempDir dir_;
    std::string key_name_, secret_;
    int port_ = 0;
    std::unique_ptr<Background> named_;
};

// 32 random bytes, base64 (a fresh TSIG secret).
std::string random_tsig_secret();

}  // namespace certa::test
