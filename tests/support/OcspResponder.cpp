#include "OcspResponder.hpp"

#include "PebbleHarness.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

namespace certa::test {

namespace {

// Writes `text` to `path`, readable by this user only (it may hold a key).
void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

OcspResponder::OcspResponder() : port_(free_tcp_port()) {
    write_file(dir_.file("index.txt.attr"), "unique_subject = no\n");
    write_index();
}

OcspResponder::~OcspResponder() { stop(); }

std::string OcspResponder::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void OcspResponder::write_index() const {
    // openssl ca's database: status, expiry, revocation time, serial, file, subject (tab-separated).
    std::string text;
    for (const auto& [serial, revoked] : serials_)
        text += std::string(revoked ? "R" : "V") + "\t491231235959Z\t" + (revoked ? "250101000000Z" : "") + "\t" +
                serial + "\tunknown\t/CN=" + serial + "\n";
    write_file(dir_.file("index.txt"), text);
}

bool OcspResponder::start(const std::string& issuer_pem, const std::string& issuer_key_pem) {
    write_file(dir_.file("issuer.pem"), issuer_pem);
    write_file(dir_.file("issuer.key"), issuer_key_pem);
    return launch();
}

bool OcspResponder::launch() {
    stop();
    server_ = std::make_unique<Background>(std::vector<std::string>{
        "openssl", "ocsp", "-port", std::to_string(port_), "-index", dir_.file("index.txt"), "-CA",
        dir_.file("issuer.pem"), "-rsigner", dir_.file("issuer.pem"), "-rkey", dir_.file("issuer.key"), "-ndays", "1",
        "-ignore_err"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (int i = 0; i < 400 && std::chrono::steady_clock::now() < deadline; ++i) {
        if (!server_->running()) return false;
        // Not probed with a connection: OpenSSL 3.0's responder hangs on one
        // that closes without a request. It says so once it listens.
        if ((server_->out() + server_->err()).find("waiting for OCSP client connections") != std::string::npos)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

bool OcspResponder::set_status(const std::string& serial_hex, bool revoked) {
    std::string serial = serial_hex;
    if (serial.size() % 2) serial.insert(0, "0");
    serials_[serial] = revoked;
    write_index();
    return !server_ || launch();
}

void OcspResponder::stop() {
    if (server_) server_->stop(SIGTERM, std::chrono::milliseconds(3000));
    server_.reset();
}

std::string OcspResponder::log() const { return server_ ? server_->out() + server_->err() : std::string(); }

}  // namespace certa::test
