#include "handshake/agent/PemSource.hpp"

namespace certa::handshake {

PemSource::PemSource(const std::string& store_location, bool read_only) {
    storage::OpenOptions options;
    options.create = false;
    options.read_only = read_only;
    store_ = storage::open_store(store_location, options);
}

std::optional<PemSource::Pem> PemSource::fetch(std::int64_t id) {
    std::optional<storage::CertificateRecord> row;
    {
        std::lock_guard lock(mutex_);
        row = store_->get_certificate(id);
    }
    if (!row) return std::nullopt;
    Pem pem{std::move(row->chain_pem), std::move(row->key_pem)};
    return pem;
}

}  // namespace certa::handshake
