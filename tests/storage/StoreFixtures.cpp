#include "StoreFixtures.hpp"

#include "storage/RenewalErrorClass.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace certa::test {

storage::CertificateInput input_for(const TestCert& cert, const std::string& key_type) {
    storage::CertificateInput input;
    input.key_type = key_type;
    input.key_pem = cert.key_pem;
    input.chain_pem = cert.chain_pem;
    input.server = "https://127.0.0.1:14000/dir";
    return input;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

bool file_exists(const std::string& path) { return file_mode(path) >= 0; }

FailureClassAfterV9 failure_class_after_v9(storage::Store& store) {
    FailureClassAfterV9 out;
    const auto old = store.get_certificate(1);
    if (!old) throw std::runtime_error("no row 1");
    out.old_class = old->last_error_class;
    out.old_label = storage::renewal_error_class(*old);
    storage::RenewalState state = storage::renewal_state_of(*old);
    state.last_error_class = "network";
    store.update_renewal_state(1, state);
    const auto now = store.get_certificate(1);
    out.new_class = now->last_error_class;
    out.new_label = storage::renewal_error_class(*now);
    return out;
}

int wait_child(pid_t pid, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (done < 0) return -1;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace certa::test
