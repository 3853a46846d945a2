// A stand-in for HAProxy's runtime API in tests: a real UNIX stream socket
// served by a thread, one command per connection (management.txt §9.3
// non-interactive mode), each answered by the test's function. It records
// the commands it saw. Used to play a hostile or broken HAProxy.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace certa::test {

class FakeHaproxySocket {
public:
    using Answer = std::function<std::string(const std::string& command_line)>;
    FakeHaproxySocket(std::string path, Answer answer);
    ~FakeHaproxySocket();
    FakeHaproxySocket(const FakeHaproxySocket&) = delete;
    FakeHaproxySocket& operator=(const FakeHaproxySocket&) = delete;

    const std::string& path() const { return path_; }
    std::vector<std::string> commands() const;

private:
    void serve();
    std::string path_;
    Answer answer_;
    int listener_ = -1;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> commands_;
    std::thread thread_;
};

}  // namespace certa::test
