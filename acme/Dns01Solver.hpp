// dns-01 (RFC 8555 §8.4) through a user hook: `HOOK add FQDN VALUE` before
// validation and `HOOK remove FQDN VALUE` after, where FQDN is
// "_acme-challenge.<name>." (a wildcard's base name) and VALUE is
// base64url(SHA-256(key authorization)). The hook also gets CERTA_DNS_ACTION,
// CERTA_DNS_FQDN, CERTA_DNS_VALUE and CERTA_IDENTIFIER in its environment.
// A non-zero exit or a timeout is an error.
#pragma once

#include "acme/ChallengeSolver.hpp"

#include <chrono>
#include <string>

namespace certa::acme {

struct Dns01Options {
    std::string hook;                         // path of the program (no shell)
    std::chrono::milliseconds timeout{120000};  // per hook run
};

class Dns01Solver : public ChallengeSolver {
public:
    explicit Dns01Solver(Dns01Options options);
    const char* type() const override { return "dns-01"; }
    void present(const Identifier& identifier, const std::string& token, const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;

private:
    void run(const char* action, const Identifier& identifier, const std::string& key_authorization);
    Dns01Options options_;
};

// "_acme-challenge.example.com." for example.com and *.example.com.
std::string dns01_fqdn(const Identifier& identifier);
// base64url(SHA-256(key authorization)), the TXT record value.
std::string dns01_txt_value(const std::string& key_authorization);

}  // namespace certa::acme
