// Fuzz builds only: CertEntry links PemSource (rows loaded without their PEM
// fetch it from the store), but the fuzzed entries always carry their PEM,
// so the store is never opened. This stands in for it without linking the
// whole storage module into the libFuzzer binaries.
#include "handshake/agent/PemSource.hpp"

#include <stdexcept>

namespace certa::handshake {

PemSource::PemSource(const std::string&) { throw std::logic_error("fuzz build: no store"); }

std::optional<PemSource::Pem> PemSource::fetch(std::int64_t) { return std::nullopt; }

}  // namespace certa::handshake
