#include "acme/deploy/DeployTargetFactory.hpp"

#include "acme/deploy/CertbotLayoutTarget.hpp"
#include "acme/deploy/DeployError.hpp"
#include "acme/deploy/DeployHookTarget.hpp"
#include "acme/deploy/ExportDirTarget.hpp"
#include "acme/deploy/HaproxyTarget.hpp"
#include "acme/deploy/NginxTarget.hpp"

#include <array>
#include <stdexcept>

namespace certa::acme {

namespace {

template <class Target>
std::unique_ptr<DeployTarget> parsed(const std::string& spec) {
    return std::make_unique<Target>(Target::parse(spec));
}

struct Kind {
    const char* prefix;  // the spelling is PREFIX or PREFIX:...
    std::unique_ptr<DeployTarget> (*parse)(const std::string&);
};

// Every `--deploy` kind: adding one is a row here (and its class).
constexpr std::array kKinds{
    Kind{HaproxyTarget::kPrefix, &parsed<HaproxyTarget>},
    Kind{NginxTarget::kPrefix, &parsed<NginxTarget>},
};

// A recorded target that no longer parses (the store was edited by hand): it
// fails where it stands, so the steps before it still run and it is retried.
class UnparsedTarget : public DeployTarget {
public:
    explicit UnparsedTarget(std::string reason) : reason_(std::move(reason)) {}
    std::string kind() const override { return "unparsed"; }
    Stage stage() const override { return Stage::Server; }
    DeployOutcome deploy(DeployRun&) const override { throw DeployError("deploy failed: " + reason_); }

private:
    std::string reason_;
};

bool spelled_as(const std::string& spec, const std::string& prefix) {
    return spec == prefix || spec.rfind(prefix + ":", 0) == 0;
}

}  // namespace

std::unique_ptr<DeployTarget> make_deploy_target(const std::string& spec) {
    for (const Kind& kind : kKinds)
        if (spelled_as(spec, kind.prefix)) return kind.parse(spec);
    throw std::invalid_argument("--deploy: expected haproxy:SOCKET[:CRT-PATH[:CRT-LIST]] or nginx[:COMMAND], not " +
                                spec);
}

std::string deploy_target_problem(const std::string& spec) {
    try {
        make_deploy_target(spec);
        return {};
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
}

std::vector<std::unique_ptr<DeployTarget>> deploy_targets_of(const IssueSettings& settings) {
    std::vector<std::unique_ptr<DeployTarget>> targets;
    for (const auto& dir : settings.export_dirs) targets.push_back(std::make_unique<ExportDirTarget>(dir));
    for (const auto& dir : settings.certbot_dirs)
        targets.push_back(std::make_unique<CertbotLayoutTarget>(dir, settings.certbot_lineage));
    if (!settings.deploy_hook.empty()) targets.push_back(std::make_unique<DeployHookTarget>(settings.deploy_hook));
    for (const auto& spec : settings.deploy_targets) {
        try {
            targets.push_back(make_deploy_target(spec));
        } catch (const std::invalid_argument& e) {
            targets.push_back(std::make_unique<UnparsedTarget>(e.what()));
        }
    }
    return targets;
}

}  // namespace certa::acme
