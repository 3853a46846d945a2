#include "acme/deploy/DeployHook.hpp"

#include "acme/challenge/HookProcess.hpp"

#include <filesystem>

namespace certa::acme {

std::map<std::string, std::string> deploy_environment(const DeployContext& context) {
    const auto& cert = context.certificate;
    std::map<std::string, std::string> env;
    std::string names;
    for (const auto& n : cert.names) names += (names.empty() ? "" : " ") + n;
    env["CERTA_NAMES"] = names;
    env["CERTA_PRIMARY_NAME"] = cert.names.empty() ? "" : cert.names.front();
    env["CERTA_CERT_ID"] = std::to_string(cert.id);
    env["CERTA_STORE"] = context.store_location;
    std::string dirs;
    for (const auto& d : context.export_dirs) dirs += (dirs.empty() ? "" : " ") + d;
    env["CERTA_EXPORT_DIRS"] = dirs;
    // certbot (RENEWED_*) and lego (LEGO_*) hooks run unchanged.
    env["RENEWED_DOMAINS"] = names;
    env["LEGO_CERT_DOMAIN"] = env["CERTA_PRIMARY_NAME"];
    const auto& certbot = context.certbot_live_dirs;
    const auto& plain = context.export_dirs;
    if (!plain.empty() || !certbot.empty()) {
        const std::filesystem::path dir(!plain.empty() ? plain.front() : certbot.front());
        env["CERTA_CERT_PATH"] = (dir / "cert.pem").string();
        env["CERTA_CHAIN_PATH"] = (dir / "chain.pem").string();
        env["CERTA_FULLCHAIN_PATH"] = (dir / "fullchain.pem").string();
        env["CERTA_KEY_PATH"] = (dir / "privkey.pem").string();
        const std::filesystem::path lineage(!certbot.empty() ? certbot.front() : plain.front());
        env["RENEWED_LINEAGE"] = lineage.string();
        env["LEGO_CERT_PATH"] = (lineage / "fullchain.pem").string();
        env["LEGO_CERT_KEY_PATH"] = (lineage / "privkey.pem").string();
    }
    return env;
}

std::string run_deploy_hook(const std::string& command, const DeployContext& context,
                            std::chrono::milliseconds timeout) {
    HookOptions options;
    options.env = deploy_environment(context);
    options.timeout = timeout;
    options.max_output = 4096;
    HookResult result = run_hook({"/bin/sh", "-c", command}, options);
    if (result.exit_code == 0) return {};
    std::string reason = result.timed_out ? "timed out" : result.exit_code < 0 ? "killed by a signal"
                                                                                : "exit status " + std::to_string(result.exit_code);
    // The last line of its output explains most failures.
    std::string out = result.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (const auto nl = out.find_last_of('\n'); nl != std::string::npos) out = out.substr(nl + 1);
    if (out.size() > 200) out = out.substr(out.size() - 200);
    return out.empty() ? reason : reason + ": " + out;
}

}  // namespace certa::acme
