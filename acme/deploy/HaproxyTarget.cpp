#include "acme/deploy/HaproxyTarget.hpp"

#include "acme/deploy/DeployError.hpp"
#include "acme/deploy/HaproxyDeploy.hpp"
#include "storage/base/Text.hpp"

#include <stdexcept>
#include <vector>

namespace certa::acme {

namespace {

// Splits "a:b:c" into at most `max` fields (the last keeps its colons).
std::vector<std::string> split(const std::string& text, std::size_t max) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (out.size() + 1 < max) {
        const auto colon = text.find(':', begin);
        if (colon == std::string::npos) break;
        out.push_back(text.substr(begin, colon - begin));
        begin = colon + 1;
    }
    out.push_back(text.substr(begin));
    return out;
}

}  // namespace

HaproxyTarget HaproxyTarget::parse(const std::string& spec) {
    if (spec != "haproxy" && spec.rfind("haproxy:", 0) != 0)
        throw std::invalid_argument("--deploy: not a haproxy target: " + spec);
    // CRT-LIST keeps any further colons; SOCKET and CRT-PATH cannot hold one.
    const auto fields = split(spec.size() > 8 ? spec.substr(8) : std::string(), 3);
    HaproxyTarget target;
    target.socket = fields[0];
    if (fields.size() > 1) target.crt_path = fields[1];
    if (fields.size() > 2) target.crt_list = fields[2];
    if (target.socket.empty() || target.socket.front() != '/')
        throw std::invalid_argument("--deploy haproxy:SOCKET: SOCKET must be an absolute path: " + spec);
    if (fields.size() > 1 && target.crt_path.empty())
        throw std::invalid_argument("--deploy haproxy:SOCKET:CRT-PATH: empty CRT-PATH: " + spec);
    if (target.crt_path.find_first_of("\n\r ") != std::string::npos ||
        target.crt_list.find_first_of("\n\r ") != std::string::npos)
        throw std::invalid_argument("--deploy haproxy: CRT-PATH and CRT-LIST cannot hold spaces: " + spec);
    return target;
}

DeployOutcome HaproxyTarget::deploy(DeployRun& run) const {
    try {
        const std::string crt = deploy_to_haproxy(*this, run.context.certificate, run.policy);
        return {"", "haproxy " + socket + " " + crt};
    } catch (const std::exception& e) {
        throw DeployError("deploy failed: " + storage::one_line(e.what()));
    }
}

}  // namespace certa::acme
