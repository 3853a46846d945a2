// `--deploy haproxy:SOCKET[:CRT-PATH[:CRT-LIST]]`: HAProxy's runtime API on
// its UNIX stats socket (level admin) takes the certificate without a reload
// (HaproxyDeploy). CRT-PATH: the certificate file as HAProxy names it
// (default: the loaded certificate whose file name is NAME.pem, NAME the
// primary name). CRT-LIST: where a certificate HAProxy does not know yet is
// added (default: its only crt-list).
#pragma once

#include "acme/deploy/DeployTarget.hpp"

#include <string>

namespace certa::acme {

class HaproxyTarget : public DeployTarget {
public:
    static constexpr const char* kPrefix = "haproxy";
    // "haproxy:SOCKET[:CRT-PATH[:CRT-LIST]]"; throws std::invalid_argument.
    static HaproxyTarget parse(const std::string& spec);

    std::string kind() const override { return "haproxy"; }
    Stage stage() const override { return Stage::Server; }
    DeployOutcome deploy(DeployRun& run) const override;

    std::string socket;
    std::string crt_path;  // "" = find NAME.pem among the loaded certificates
    std::string crt_list;  // "" = the only crt-list
};

}  // namespace certa::acme
