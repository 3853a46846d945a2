#include "handshake/agent/PemSource.hpp"

#include "handshake/agent/StoreConnections.hpp"
#include "storage/StoreError.hpp"

#include <algorithm>

namespace certa::handshake {

PemSource::PemSource(const std::string& store_location, bool read_only, std::size_t max_connections)
    : location_(store_location), read_only_(read_only), max_connections_(std::max<std::size_t>(max_connections, 1)) {
    idle_.push_back(open());
    open_ = 1;
}

std::unique_ptr<storage::Store> PemSource::open() const { return open_agent_connection(location_, read_only_); }

std::optional<PemSource::Pem> PemSource::fetch(std::int64_t id) {
    std::unique_ptr<storage::Store> store;
    {
        std::unique_lock lock(mutex_);
        idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
        if (!idle_.empty()) {
            store = std::move(idle_.back());
            idle_.pop_back();
        } else {
            ++open_;  // opened below, outside the lock
        }
    }
    // Gives the connection back (or its place in the pool) however the read ends.
    struct Return {
        PemSource& self;
        std::unique_ptr<storage::Store>& store;
        ~Return() {
            {
                std::lock_guard lock(self.mutex_);
                std::erase(self.busy_, store.get());
                if (store)
                    self.idle_.push_back(std::move(store));
                else
                    --self.open_;
            }
            self.idle_cv_.notify_one();
        }
    } give_back{*this, store};
    if (!store) store = open();
    {
        std::lock_guard lock(mutex_);
        if (interrupted_) throw storage::StoreError(storage::StoreError::Kind::Io, "the agent is shutting down");
        busy_.push_back(store.get());
    }
    std::optional<storage::CertificateRecord> row = store->get_certificate(id);
    if (!row) return std::nullopt;
    Pem pem{std::move(row->chain_pem), std::move(row->key_pem), store->get_ocsp_response(id)};
    return pem;
}

void PemSource::interrupt() {
    std::lock_guard lock(mutex_);  // busy_'s stores stay open while it is held
    interrupted_ = true;
    for (storage::Store* store : busy_) store->interrupt();
}

}  // namespace certa::handshake
